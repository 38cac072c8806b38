package dev.realtime.hub;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import dev.realtime.protocol.MetaFrame;

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

	/**
	 * Add an open session.
	 * @param session the session
	 * @return whether it is its user's first one
	 */
	boolean add(HubSession session) {
		boolean[] first = new boolean[1];
		this.byUser.compute(session.userId(), (user, sessions) -> {
			Set<HubSession> result = (sessions != null) ? sessions : ConcurrentHashMap.newKeySet();
			first[0] = result.isEmpty();
			result.add(session);
			return result;
		});
		return first[0];
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

	/**
	 * Send a meta signal to the users' open sessions on this node.
	 * @param users the recipients
	 * @param frame the signal
	 */
	void send(Set<String> users, MetaFrame frame) {
		for (String user : users) {
			for (HubSession session : sessions(user)) {
				session.send(List.of(frame));
			}
		}
	}

	/**
	 * Return every open session of this node.
	 * @return a snapshot of them
	 */
	List<HubSession> all() {
		return this.byUser.values().stream().flatMap(Set::stream).toList();
	}

	int count() {
		return this.byUser.values().stream().mapToInt(Set::size).sum();
	}

	/**
	 * Return whether new sessions are welcome: until the node begins to shut down.
	 * @return whether they are
	 */
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
