package dev.realtime.testkit;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * What the embedded hub's connections carried since the last reset, as the frame tap saw
 * it: which clients each user connected with, how often each outbound seq arrived
 * (resends included), and the close code of each connection.
 */
final class HubRecorder {

	private final Map<String, String> clientUsers = new ConcurrentHashMap<>();

	private final Map<String, Map<Long, AtomicInteger>> arrivals = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> opened = new ConcurrentHashMap<>();

	private final Map<String, Queue<Integer>> closeCodes = new ConcurrentHashMap<>();

	void opened(String userId, String clientId) {
		this.clientUsers.put(clientId, userId);
		this.opened.computeIfAbsent(userId, (id) -> new AtomicInteger()).incrementAndGet();
	}

	void closed(String userId, int code) {
		this.closeCodes.computeIfAbsent(userId, (id) -> new ConcurrentLinkedQueue<>()).add(code);
	}

	void arrived(String clientId, long seq) {
		this.arrivals.computeIfAbsent(clientId, (id) -> new ConcurrentHashMap<>())
			.computeIfAbsent(seq, (s) -> new AtomicInteger())
			.incrementAndGet();
	}

	Set<String> clientsOf(String userId) {
		return this.clientUsers.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals(userId))
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
	}

	Collection<String> clients() {
		return this.clientUsers.keySet();
	}

	/**
	 * Return how often each seq of a client arrived since the last reset.
	 * @param clientId the client
	 * @return arrivals by seq
	 */
	Map<Long, Integer> arrivals(String clientId) {
		return this.arrivals.getOrDefault(clientId, Map.of())
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (entry) -> entry.getValue().get()));
	}

	int connectionsOpened(String userId) {
		AtomicInteger count = this.opened.get(userId);
		return (count != null) ? count.get() : 0;
	}

	List<Integer> closeCodes(String userId) {
		return List.copyOf(this.closeCodes.getOrDefault(userId, new ConcurrentLinkedQueue<>()));
	}

	/**
	 * Forget what arrived, opened and closed; which client belongs to which user is kept
	 * for the connections that stay open.
	 */
	void clear() {
		this.arrivals.clear();
		this.opened.clear();
		this.closeCodes.clear();
	}

}
