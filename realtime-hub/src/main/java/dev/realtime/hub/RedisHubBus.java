package dev.realtime.hub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.Message;
import org.springframework.data.redis.connection.MessageListener;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;

/**
 * Several hub nodes on one database ({@code realtime.hub.bus=redis}), over Spring Data
 * Redis. Committed deliveries, meta signals and joins are published, after the commit, on
 * one pub/sub channel; every node hands them to its own sessions (the publishing node
 * directly). Deliveries carry the frames, so a receiving node reads nothing back; a gap
 * (a message lost or late) is filled from the store by the session, and the periodic
 * catch-up ({@link HubBusKeeper}) sends what a lost message held. Presence is a key per
 * user with a TTL, and the nodes a user is connected to a sorted set scored by expiry,
 * both refreshed by the owning node.
 * <p>
 * Hand-written on {@link StringRedisTemplate} rather than a higher-level Spring
 * abstraction because the hub's fan-out needs exactly these few commands. Writes go
 * through one bounded writer thread, in order, so that an unreachable Redis never holds
 * up an ack: what does not fit is dropped and caught up from the store.
 */
final class RedisHubBus implements HubBus, MessageListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RedisHubBus.class);

	/** Pending writes while Redis is slow; beyond, publishes are dropped. */
	private static final int WRITE_QUEUE = 10_000;

	private final StringRedisTemplate redis;

	private final String nodeId;

	private final String prefix;

	private final String channel;

	private final Duration presenceTtl;

	private final FrameCodec codec;

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final RedisHubWriter writer;

	/** Runs what other nodes published, one message at a time, in order. */
	private final ExecutorService inboundExecutor = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "hub-redis-inbound");
		thread.setDaemon(true);
		return thread;
	});

	/** Presence as this node last saw it: its own users', and what other nodes sent. */
	private final Map<String, JsonNode> presence = new ConcurrentHashMap<>();

	private volatile @Nullable HubSessionRegistry sessions;

	private volatile Inbound inbound = new Inbound() {

		@Override
		public void joined(String room, String userId) {
		}

		@Override
		public void signalled(MetaFrame frame) {
		}

		@Override
		public void expired(String userId) {
		}

	};

	private volatile Supplier<HubMetrics> metrics = () -> HubMetrics.NONE;

	RedisHubBus(StringRedisTemplate redis, String nodeId, HubBusProperties.Redis properties) {
		this.redis = redis;
		this.nodeId = nodeId;
		this.prefix = properties.getKeyPrefix();
		this.channel = this.prefix + ":bus";
		this.presenceTtl = properties.getPresenceTtl();
		this.codec = new FrameCodec(this.mapper);
		this.writer = new RedisHubWriter(WRITE_QUEUE, "Redis unreachable; live fan-out between hub nodes falls back "
				+ "to the catch-up every " + properties.getCatchUpInterval().toSeconds() + " s");
	}

	String channel() {
		return this.channel;
	}

	@Override
	public String nodeId() {
		return this.nodeId;
	}

	@Override
	public boolean shared() {
		return true;
	}

	@Override
	public void listen(HubSessionRegistry sessions, Inbound inbound, Supplier<HubMetrics> metrics) {
		this.sessions = sessions;
		this.inbound = inbound;
		this.metrics = metrics;
	}

	private HubSessionRegistry sessions() {
		return HubBus.attached(this.sessions);
	}

	// --- outbound

	@Override
	public int deliver(Map<String, List<StreamEvent>> deliveries) {
		int delivered = sessions().deliver(deliveries);
		ObjectNode message = envelope("e");
		ObjectNode users = message.putObject("d");
		deliveries.forEach((user, events) -> {
			ArrayNode list = users.putArray(user);
			for (StreamEvent event : events) {
				list.addObject().put("l", event.payloadLength()).put("f", this.codec.encode(event.frame()));
			}
		});
		publish(message);
		return delivered;
	}

	@Override
	public void send(Set<String> users, MetaFrame frame) {
		if (users.isEmpty()) {
			return;
		}
		sessions().send(users, frame);
		ObjectNode message = envelope("m");
		ArrayNode list = message.putArray("u");
		users.forEach(list::add);
		message.put("f", this.codec.encode(frame));
		publish(message);
	}

	@Override
	public void joined(String room, String userId) {
		publish(envelope("j").put("r", room).put("s", userId));
	}

	private ObjectNode envelope(String kind) {
		return this.mapper.createObjectNode().put("n", this.nodeId).put("k", kind);
	}

	private void publish(ObjectNode message) {
		String text = this.mapper.writeValueAsString(message);
		this.writer.submit(() -> this.redis.convertAndSend(this.channel, text));
	}

	// --- presence

	@Override
	public void putPresence(String userId, JsonNode payload) {
		this.presence.put(userId, payload);
		String text = this.mapper.writeValueAsString(payload);
		this.writer.submit(() -> this.redis.opsForValue().set(presenceKey(userId), text, this.presenceTtl));
	}

	@Override
	public Map<String, JsonNode> presenceOf(Collection<String> users) {
		Map<String, JsonNode> known = new HashMap<>();
		if (users.isEmpty()) {
			return known;
		}
		List<String> asked = List.copyOf(users);
		List<String> stored = this.writer.reachable() ? this.writer
			.read(() -> this.redis.opsForValue().multiGet(asked.stream().map(this::presenceKey).toList())) : null;
		for (int i = 0; i < asked.size(); i++) {
			String user = asked.get(i);
			String text = (stored != null && i < stored.size()) ? stored.get(i) : null;
			JsonNode payload = (text != null) ? this.mapper.readTree(text) : this.presence.get(user);
			if (payload != null) {
				known.put(user, payload);
			}
		}
		return known;
	}

	@Override
	public void connected(String userId) {
		this.writer.submit(() -> register(List.of(userId)));
	}

	@Override
	public void disconnected(String userId, Runnable offline) {
		this.writer.submit(() -> {
			String key = nodesKey(userId);
			this.redis.opsForZSet().remove(key, this.nodeId);
			this.redis.opsForZSet().removeRangeByScore(key, Double.NEGATIVE_INFINITY, System.currentTimeMillis());
			Long left = this.redis.opsForZSet().zCard(key);
			if (left == null || left == 0) {
				offline.run();
			}
		}, offline);
	}

	/**
	 * Refresh what this node owns in Redis: the presence and node entry of each user
	 * connected to it, and forget (announcing them offline to this node's sessions) the
	 * users of other nodes whose presence expired, their node having died.
	 * @param localUsers the users connected to this node, asked again before forgetting
	 * anyone: a user who connected since the refresh began has its presence in this
	 * node's memory while its key may not be written yet, and forgetting it would let the
	 * key expire for good
	 */
	void refresh(Supplier<Set<String>> localUsers) {
		this.writer.submitOnce("refresh", () -> {
			Set<String> local = localUsers.get();
			register(local);
			for (String user : local) {
				JsonNode own = this.presence.get(user);
				if (own != null) {
					this.redis.opsForValue()
						.set(presenceKey(user), this.mapper.writeValueAsString(own), this.presenceTtl);
				}
			}
			expireRemote(local, localUsers);
		});
	}

	private void register(Collection<String> users) {
		double expiry = System.currentTimeMillis() + this.presenceTtl.toMillis();
		for (String user : users) {
			String key = nodesKey(user);
			this.redis.opsForZSet().add(key, this.nodeId, expiry);
			this.redis.expire(key, this.presenceTtl);
		}
	}

	private void expireRemote(Set<String> local, Supplier<Set<String>> localUsers) {
		List<String> remote = this.presence.keySet().stream().filter((user) -> !local.contains(user)).toList();
		if (remote.isEmpty()) {
			return;
		}
		List<String> stored = this.redis.opsForValue().multiGet(remote.stream().map(this::presenceKey).toList());
		Set<String> localNow = localUsers.get();
		for (int i = 0; i < remote.size(); i++) {
			String user = remote.get(i);
			if ((stored == null || stored.get(i) == null) && !localNow.contains(user)) {
				JsonNode last = this.presence.remove(user);
				if (last != null && !"offline".equals(last.path("status").asString(""))) {
					this.inbound.expired(user);
				}
			}
		}
	}

	private String presenceKey(String userId) {
		return this.prefix + ":presence:" + userId;
	}

	private String nodesKey(String userId) {
		return this.prefix + ":nodes:" + userId;
	}

	// --- inbound

	@Override
	public void onMessage(Message message, byte @Nullable [] pattern) {
		JsonNode received;
		try {
			received = this.mapper.readTree(new String(message.getBody(), StandardCharsets.UTF_8));
		}
		catch (RuntimeException ex) {
			logger.warn("Ignoring a malformed message on " + this.channel + ": " + ex.getMessage());
			return;
		}
		if (this.nodeId.equals(received.path("n").asString(""))) {
			return; // this node delivered its own already
		}
		switch (received.path("k").asString("")) {
			case "e" -> receiveEvents(received.path("d"));
			case "m" -> receiveSignal(received);
			case "j" -> this.inbound.joined(received.path("r").asString(""), received.path("s").asString(""));
			default -> logger.debug("Ignoring a message of unknown kind on " + this.channel);
		}
	}

	private void receiveEvents(JsonNode users) {
		Map<String, List<StreamEvent>> deliveries = new HashMap<>();
		for (Map.Entry<String, JsonNode> user : users.properties()) {
			if (sessions().sessions(user.getKey()).isEmpty()) {
				continue; // not connected here: nothing to decode
			}
			List<StreamEvent> events = new ArrayList<>();
			for (JsonNode event : user.getValue()) {
				EventFrame frame = (EventFrame) this.codec.decodeOne(event.path("f").asString(""));
				events.add(new StreamEvent(frame, event.path("l").asInt(0)));
			}
			deliveries.put(user.getKey(), events);
		}
		if (!deliveries.isEmpty()) {
			this.metrics.get().eventsDelivered(sessions().deliver(deliveries));
		}
	}

	private void receiveSignal(JsonNode received) {
		MetaFrame frame = (MetaFrame) this.codec.decodeOne(received.path("f").asString(""));
		if (MetaFrame.PRESENCE_UPDATE.equals(frame.event())) {
			String user = frame.payload().path("user_id").asString("");
			if (!user.isEmpty()) {
				this.presence.put(user, frame.payload());
			}
		}
		this.inbound.signalled(frame);
		Set<String> users = new HashSet<>();
		received.path("u").forEach((user) -> users.add(user.asString("")));
		sessions().send(users, frame);
	}

	/**
	 * Run the handling of a received message on the bus's inbound thread.
	 * @param task the handling
	 */
	void dispatch(Runnable task) {
		this.inboundExecutor.execute(task);
	}

	/**
	 * Stop writing and receiving: what is still queued is dropped (the sessions catch up
	 * from the store on another node).
	 */
	@Override
	public void close() {
		this.writer.close();
		this.inboundExecutor.shutdownNow();
	}

}
