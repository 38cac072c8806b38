package dev.realtime.hub;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.PrivacySettings;

/**
 * {@link HubStore} in the heap, for tests and a throwaway hub (selected with
 * {@code realtime.hub.store=memory}, the default without a {@code DataSource}). Every
 * method and every transaction of {@link #transactionManager()} holds one lock, so
 * transactions are serializable; none is rolled back (the hub's transactions check before
 * they write). Nothing survives the JVM, but one instance can outlive the hub's
 * application context, which is how a test restarts a hub that keeps its store.
 */
public final class InMemoryHubStore implements HubStore {

	private final ReentrantLock lock = new ReentrantLock();

	private final ObjectMapper mapper;

	private final SortedMap<String, UserRow> users = new TreeMap<>();

	private final Map<String, ClientRow> clients = new HashMap<>();

	private final Map<UUID, NewMessage> messages = new HashMap<>();

	private final Map<String, TreeMap<Long, NewStreamEvent>> streams = new HashMap<>();

	private final Map<String, TreeMap<Long, NewAcceptedEvent>> accepted = new HashMap<>();

	private final Map<String, String> profiles = new HashMap<>();

	private final Map<String, PrivacySettings> privacy = new HashMap<>();

	private final Map<String, Set<String>> roomMembers = new HashMap<>();

	/** Each user's accepted idempotency keys, the index deduplication looks up. */
	private final Map<String, Set<String>> userKeys = new HashMap<>();

	private final PlatformTransactionManager transactionManager = new LockTransactionManager();

	/**
	 * Create an empty store.
	 * @param mapper reads payloads back, as the JDBC store does from its text column
	 */
	public InMemoryHubStore(ObjectMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Return the transactions the hub runs this store's multi-step changes in.
	 * @return a transaction manager whose transactions hold the store's lock
	 */
	public PlatformTransactionManager transactionManager() {
		return this.transactionManager;
	}

	/**
	 * Forget everything, as a hub restarted on an empty store would.
	 */
	public void clear() {
		locked(() -> {
			this.users.clear();
			this.clients.clear();
			this.messages.clear();
			this.streams.clear();
			this.accepted.clear();
			this.profiles.clear();
			this.privacy.clear();
			this.userKeys.clear();
			this.roomMembers.clear();
			return null;
		});
	}

	@Override
	public void ensureUser(String userId, Instant now) {
		locked(() -> this.users.computeIfAbsent(userId, (id) -> new UserRow()));
	}

	@Override
	public String bindClient(String clientId, String userId, Instant now) {
		return locked(() -> this.clients.computeIfAbsent(clientId, (id) -> new ClientRow(userId)).userId);
	}

	@Override
	public long lockClient(String clientId) {
		return locked(() -> client(clientId).acceptedSeq);
	}

	@Override
	public void updateAcceptedSeqs(SortedMap<String, Long> acceptedSeqs) {
		locked(() -> {
			acceptedSeqs.forEach((clientId, acceptedSeq) -> {
				ClientRow client = client(clientId);
				client.acceptedSeq = Math.max(client.acceptedSeq, acceptedSeq);
			});
			return null;
		});
	}

	@Override
	public long acceptedSeq(String clientId) {
		return locked(() -> {
			ClientRow client = this.clients.get(clientId);
			return (client != null) ? client.acceptedSeq : 0L;
		});
	}

	@Override
	public Map<Long, String> acceptedKeys(String clientId, Collection<Long> seqs) {
		return locked(() -> {
			Map<Long, String> keys = new HashMap<>();
			Map<Long, NewAcceptedEvent> events = this.accepted.getOrDefault(clientId, new TreeMap<>());
			for (Long seq : seqs) {
				NewAcceptedEvent event = events.get(seq);
				if (event != null && event.idempotencyKey() != null) {
					keys.put(seq, event.idempotencyKey());
				}
			}
			return keys;
		});
	}

	@Override
	public Set<String> existingKeys(String userId, Collection<String> keys) {
		return locked(() -> {
			Set<String> existing = new HashSet<>(keys);
			existing.retainAll(this.userKeys.getOrDefault(userId, Set.of()));
			return existing;
		});
	}

	@Override
	public void addRoomMember(String room, String userId, Instant now) {
		locked(() -> this.roomMembers.computeIfAbsent(room, (name) -> new HashSet<>()).add(userId));
	}

	@Override
	public Map<String, Set<String>> roomMembers() {
		return locked(() -> {
			Map<String, Set<String>> copy = new HashMap<>();
			this.roomMembers.forEach((room, members) -> copy.put(room, Set.copyOf(members)));
			return copy;
		});
	}

	@Override
	public Set<String> roomMembers(String room) {
		return locked(() -> Set.copyOf(this.roomMembers.getOrDefault(room, Set.of())));
	}

	@Override
	public Set<String> roomMates(String userId) {
		return locked(() -> {
			Set<String> mates = new HashSet<>();
			this.roomMembers.values().stream().filter((members) -> members.contains(userId)).forEach(mates::addAll);
			mates.remove(userId);
			return mates;
		});
	}

	@Override
	public Map<String, Long> reserveSeqs(SortedMap<String, Integer> counts) {
		return locked(() -> {
			Map<String, Long> first = new HashMap<>();
			for (Map.Entry<String, Integer> count : counts.entrySet()) {
				UserRow user = this.users.get(count.getKey());
				if (user == null) {
					throw new IllegalStateException("User '" + count.getKey() + "' is not registered");
				}
				first.put(count.getKey(), user.lastSeq + 1);
				user.lastSeq += count.getValue();
			}
			return first;
		});
	}

	@Override
	public void insertMessages(List<NewMessage> messages) {
		locked(() -> {
			messages.forEach((message) -> this.messages.put(message.id(), message));
			return null;
		});
	}

	@Override
	public void insertStreamEvents(List<NewStreamEvent> events) {
		locked(() -> {
			events.forEach((event) -> this.streams.computeIfAbsent(event.userId(), (id) -> new TreeMap<>())
				.put(event.seq(), event));
			return null;
		});
	}

	@Override
	public void insertAcceptedEvents(List<NewAcceptedEvent> events) {
		locked(() -> {
			for (NewAcceptedEvent event : events) {
				this.accepted.computeIfAbsent(event.clientId(), (id) -> new TreeMap<>()).put(event.seq(), event);
				if (event.idempotencyKey() != null) {
					this.userKeys.computeIfAbsent(event.userId(), (id) -> new HashSet<>()).add(event.idempotencyKey());
				}
			}
			return null;
		});
	}

	@Override
	public List<StreamEvent> readStream(String userId, long afterSeq, int limit) {
		return locked(() -> {
			List<StreamEvent> page = new ArrayList<>();
			TreeMap<Long, NewStreamEvent> stream = this.streams.getOrDefault(userId, new TreeMap<>());
			for (NewStreamEvent entry : stream.tailMap(afterSeq, false).values()) {
				if (page.size() == limit) {
					break;
				}
				NewMessage message = this.messages.get(entry.messageId());
				if (message != null) {
					EventFrame frame = new EventFrame(entry.seq(), message.originClientId(),
							message.originIdempotencyKey(), message.event(), parse(message.payloadJson()),
							message.createdAt());
					page.add(new StreamEvent(frame, message.payloadJson().length()));
				}
			}
			return page;
		});
	}

	@Override
	public UserStream userStream(String userId) {
		return locked(() -> {
			UserRow user = this.users.get(userId);
			return (user != null) ? new UserStream(user.lastSeq, user.purgedSeq) : new UserStream(0, 0);
		});
	}

	@Override
	public void recordDelivered(String userId, long seq) {
		// only the JDBC store's operators read the delivered mark: nothing here does
	}

	@Override
	public List<AcceptedEvent> acceptedEvents(String clientId) {
		return locked(() -> {
			List<AcceptedEvent> events = new ArrayList<>();
			for (NewAcceptedEvent event : this.accepted.getOrDefault(clientId, new TreeMap<>()).values()) {
				NewMessage message = this.messages.get(event.messageId());
				JsonNode payload = (message != null) ? parse(message.payloadJson())
						: JsonNodeFactory.instance.objectNode();
				events.add(new AcceptedEvent(event.clientId(), event.seq(), event.userId(), event.idempotencyKey(),
						event.event(), payload, event.clientTimestamp(), event.acceptedAt()));
			}
			return events;
		});
	}

	@Override
	public int purgeBefore(Instant cutoff) {
		return locked(() -> {
			int purged = 0;
			for (Map.Entry<String, TreeMap<Long, NewStreamEvent>> stream : this.streams.entrySet()) {
				List<Long> expired = stream.getValue()
					.values()
					.stream()
					.filter((event) -> event.createdAt().isBefore(cutoff))
					.map(NewStreamEvent::seq)
					.toList();
				if (!expired.isEmpty()) {
					UserRow user = this.users.get(stream.getKey());
					if (user != null) {
						user.purgedSeq = Math.max(user.purgedSeq, expired.get(expired.size() - 1));
					}
					expired.forEach(stream.getValue()::remove);
					purged += expired.size();
				}
			}
			this.accepted.values()
				.forEach((events) -> events.values().removeIf((e) -> e.acceptedAt().isBefore(cutoff)));
			this.userKeys.clear();
			this.accepted.values()
				.forEach((events) -> events.values()
					.stream()
					.filter((e) -> e.idempotencyKey() != null)
					.forEach((e) -> this.userKeys.computeIfAbsent(e.userId(), (id) -> new HashSet<>())
						.add(e.idempotencyKey())));
			Set<UUID> referenced = new HashSet<>();
			this.streams.values().forEach((stream) -> stream.values().forEach((e) -> referenced.add(e.messageId())));
			this.messages.values().removeIf((m) -> m.createdAt().isBefore(cutoff) && !referenced.contains(m.id()));
			return purged;
		});
	}

	@Override
	public void saveProfile(String userId, String customJson, Instant now) {
		locked(() -> this.profiles.put(userId, customJson));
	}

	@Override
	public @Nullable String findProfile(String userId) {
		this.lock.lock();
		try {
			return this.profiles.get(userId);
		}
		finally {
			this.lock.unlock();
		}
	}

	@Override
	public void savePrivacy(String userId, PrivacySettings settings, Instant now) {
		locked(() -> this.privacy.put(userId, settings));
	}

	@Override
	public @Nullable PrivacySettings findPrivacy(String userId) {
		return locked(() -> Optional.ofNullable(this.privacy.get(userId))).orElse(null);
	}

	private ClientRow client(String clientId) {
		ClientRow client = this.clients.get(clientId);
		if (client == null) {
			throw new IllegalStateException("Client '" + clientId + "' is not registered");
		}
		return client;
	}

	private JsonNode parse(String json) {
		return this.mapper.readTree(json);
	}

	private <T> T locked(Supplier<T> action) {
		this.lock.lock();
		try {
			return action.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	private static final class UserRow {

		private long lastSeq;

		private long purgedSeq;

	}

	private static final class ClientRow {

		private final String userId;

		private long acceptedSeq;

		ClientRow(String userId) {
			this.userId = userId;
		}

	}

	/**
	 * Transactions that hold the store's lock from begin to completion. Nothing is undone
	 * on rollback.
	 */
	private final class LockTransactionManager extends AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected boolean isExistingTransaction(Object transaction) {
			return InMemoryHubStore.this.lock.isHeldByCurrentThread();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
			InMemoryHubStore.this.lock.lock();
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

		@Override
		protected void doCleanupAfterCompletion(Object transaction) {
			InMemoryHubStore.this.lock.unlock();
		}

	}

}
