package dev.realtime.hub;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.realtime.protocol.MetaFrame;

/**
 * Where what a node commits or signals reaches the connections of every node: the seam
 * between the hub's engine and its open sessions. {@link LocalHubBus} is one node;
 * {@link RedisHubBus} carries it between nodes over Redis. Every method returns quickly:
 * callers are I/O threads.
 */
interface HubBus {

	/**
	 * Return this node's id, as {@code realtime.hub.node-id} names it.
	 * @return the node id
	 */
	String nodeId();

	/**
	 * Return whether other nodes share the database: room membership is then read from
	 * it, not from this node's memory.
	 * @return whether the hub runs as several nodes
	 */
	boolean shared();

	/**
	 * Push committed events to their recipients' sessions on every node.
	 * @param deliveries each user's new events, in seq order
	 * @return how many events were written to this node's connections
	 */
	int deliver(Map<String, List<StreamEvent>> deliveries);

	/**
	 * Send a meta signal (presence, typing, profile) to the users' sessions on every
	 * node.
	 * @param users the recipients
	 * @param frame the signal
	 */
	void send(Set<String> users, MetaFrame frame);

	/**
	 * A user joined a room on this node (the store has it already): other nodes learn it.
	 * @param room the room
	 * @param userId the user
	 */
	void joined(String room, String userId);

	/**
	 * Record a user's last presence payload, as fanned out.
	 * @param userId the user
	 * @param payload the presence payload
	 */
	void putPresence(String userId, JsonNode payload);

	/**
	 * Return the last known presence of some users, wherever they are connected.
	 * @param users the users
	 * @return the presence payload of those who have one
	 */
	Map<String, JsonNode> presenceOf(Collection<String> users);

	/**
	 * A user's first session on this node opened.
	 * @param userId the user
	 */
	void connected(String userId);

	/**
	 * A user's last session on this node closed: run the announcement when no other node
	 * has one either (at once, or later on another thread).
	 * @param userId the user
	 * @param offline announces the user offline
	 */
	void disconnected(String userId, Runnable offline);

	/**
	 * Attach the bus to this node's hub: deliver to its sessions, and tell it what other
	 * nodes did.
	 * @param sessions this node's open sessions
	 * @param inbound what this node does with what other nodes did
	 * @param metrics the metrics deliveries are counted in
	 */
	void listen(HubSessionRegistry sessions, Inbound inbound, Supplier<HubMetrics> metrics);

	/**
	 * Return {@code realtime.hub.node-id}, or a random id when it is not set.
	 * @param properties the bus properties
	 * @return the id of this node
	 */
	static String nodeId(HubBusProperties properties) {
		String configured = properties.getNodeId();
		return (configured != null && !configured.isBlank()) ? configured
				: UUID.randomUUID().toString().substring(0, 8);
	}

	/**
	 * Return the sessions a bus was attached to.
	 * @param sessions the sessions {@link #listen} gave the bus, {@code null} before
	 * @return the sessions
	 * @throws IllegalStateException if the bus is not attached yet
	 */
	static HubSessionRegistry attached(@Nullable HubSessionRegistry sessions) {
		if (sessions == null) {
			throw new IllegalStateException("The bus is not attached to a hub yet");
		}
		return sessions;
	}

	/**
	 * What a node does with what other nodes did, beyond delivering to its sessions.
	 */
	interface Inbound {

		/**
		 * A user joined a room on another node.
		 * @param room the room
		 * @param userId the user
		 */
		void joined(String room, String userId);

		/**
		 * Another node sent a meta signal.
		 * @param frame the signal
		 */
		void signalled(MetaFrame frame);

		/**
		 * The presence of a user connected to another node expired: that node died.
		 * @param userId the user
		 */
		void expired(String userId);

	}

}
