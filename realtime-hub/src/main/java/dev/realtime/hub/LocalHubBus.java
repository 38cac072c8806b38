package dev.realtime.hub;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.realtime.protocol.MetaFrame;

/**
 * One hub node ({@code realtime.hub.bus=local}): committed events and signals go to this
 * node's sessions only, presence is kept in memory.
 */
final class LocalHubBus implements HubBus {

	private final String nodeId;

	private volatile @Nullable HubSessionRegistry sessions;

	private final Map<String, JsonNode> presence = new ConcurrentHashMap<>();

	LocalHubBus(String nodeId) {
		this.nodeId = nodeId;
	}

	private HubSessionRegistry sessions() {
		return HubBus.attached(this.sessions);
	}

	@Override
	public String nodeId() {
		return this.nodeId;
	}

	@Override
	public boolean shared() {
		return false;
	}

	@Override
	public int deliver(Map<String, List<StreamEvent>> deliveries) {
		return sessions().deliver(deliveries);
	}

	@Override
	public void send(Set<String> users, MetaFrame frame) {
		sessions().send(users, frame);
	}

	@Override
	public void joined(String room, String userId) {
		// no other node to tell
	}

	@Override
	public void putPresence(String userId, JsonNode payload) {
		this.presence.put(userId, payload);
	}

	@Override
	public Map<String, JsonNode> presenceOf(Collection<String> users) {
		Map<String, JsonNode> known = new HashMap<>();
		for (String user : users) {
			JsonNode payload = this.presence.get(user);
			if (payload != null) {
				known.put(user, payload);
			}
		}
		return known;
	}

	@Override
	public void connected(String userId) {
		// the registry knows
	}

	@Override
	public void disconnected(String userId, Runnable offline) {
		offline.run();
	}

	@Override
	public void listen(HubSessionRegistry sessions, Inbound inbound, Supplier<HubMetrics> metrics) {
		// no other node to hear from
		this.sessions = sessions;
	}

}
