package dev.realtime.hub;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The open sessions of the hub, by user.
 */
final class HubSessionRegistry {

	private final Map<String, Set<HubSession>> byUser = new ConcurrentHashMap<>();

	private final HubStore store;

	/** Cleared when the node shuts down: a handshake then is refused, not half-served. */
	private volatile boolean accepting = true;

	HubSessionRegistry(HubStore store) {
		this.store = store;
	}

	void add(HubSession session) {
		this.byUser.compute(session.userId(), (user, sessions) -> {
			Set<HubSession> result = (sessions != null) ? sessions : ConcurrentHashMap.newKeySet();
			result.add(session);
			return result;
		});
	}

	/**
	 * Remove a closed session.
	 * @param session the closed session
	 * @return whether it was its user's last one
	 */
	boolean remove(HubSession session) {
		boolean[] last = new boolean[1];
		this.byUser.computeIfPresent(session.userId(), (user, sessions) -> {
			last[0] = sessions.remove(session) && sessions.isEmpty();
			return sessions.isEmpty() ? null : sessions;
		});
		return last[0];
	}

	Set<HubSession> sessions(String userId) {
		return this.byUser.getOrDefault(userId, Set.of());
	}

	Set<String> connectedUsers() {
		return this.byUser.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().stream().anyMatch(HubSession::isOpen))
			.map(Map.Entry::getKey)
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Push committed events to their recipients' open sessions.
	 * @param deliveries each user's new events, in seq order
	 * @return how many events were written to connections
	 */
	int deliver(Map<String, List<StreamEvent>> deliveries) {
		int delivered = 0;
		for (Map.Entry<String, List<StreamEvent>> user : deliveries.entrySet()) {
			for (HubSession session : sessions(user.getKey())) {
				delivered += session.deliver(user.getValue(), this.store);
			}
		}
		return delivered;
	}

	int count() {
		return this.byUser.values().stream().mapToInt(Set::size).sum();
	}

	boolean accepting() {
		return this.accepting;
	}

	/**
	 * Refuse new sessions from now on, as the node is shutting down.
	 */
	void stopAccepting() {
		this.accepting = false;
	}

	/**
	 * Close every open session, of every user.
	 * @param code the close code
	 * @param reason the close reason
	 * @return how many sessions were closed
	 */
	int closeAll(int code, String reason) {
		return this.byUser.keySet().stream().mapToInt((user) -> close(user, code, reason)).sum();
	}

	int close(String userId, int code, String reason) {
		Set<HubSession> sessions = Set.copyOf(sessions(userId));
		sessions.forEach((session) -> session.close(code, reason));
		return sessions.size();
	}

}
