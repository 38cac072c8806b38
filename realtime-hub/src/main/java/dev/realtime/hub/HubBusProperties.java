package dev.realtime.hub;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How hub nodes share their work, bound from {@code realtime.hub.bus},
 * {@code realtime.hub.node-id} and {@code realtime.hub.redis.*}. Kept apart from
 * {@link HubProperties}, which holds one node's settings.
 */
@ConfigurationProperties("realtime.hub")
public class HubBusProperties {

	/**
	 * Where committed events, presence and typing travel between hub nodes: 'local' (one
	 * node, nothing leaves the process) or 'redis' (several nodes on one database, with
	 * Redis at spring.data.redis.*).
	 */
	private BusType bus = BusType.LOCAL;

	/**
	 * Name of this node in logs, health details and Redis. Defaults to a random id at
	 * each start.
	 */
	private @Nullable String nodeId;

	/**
	 * Settings of the Redis bus, used when 'bus' is 'redis'.
	 */
	private final Redis redis = new Redis();

	public BusType getBus() {
		return this.bus;
	}

	public void setBus(BusType bus) {
		this.bus = bus;
	}

	public @Nullable String getNodeId() {
		return this.nodeId;
	}

	public void setNodeId(@Nullable String nodeId) {
		this.nodeId = nodeId;
	}

	public Redis getRedis() {
		return this.redis;
	}

	/**
	 * Where committed events, presence and typing travel between hub nodes.
	 */
	public enum BusType {

		/** One node: everything stays in the process. */
		LOCAL,

		/** Several nodes: Redis pub/sub and keys. */
		REDIS

	}

	/**
	 * Settings of the Redis bus.
	 */
	public static class Redis {

		/**
		 * How long the presence of a user outlives the last refresh of the node it is
		 * connected to: the presence of a user whose node died expires within this time.
		 * Each node refreshes its users' presence every catch-up interval.
		 */
		private Duration presenceTtl = Duration.ofSeconds(30);

		/**
		 * How often each node compares every connection's delivered seq with its user's
		 * stream in the database and sends what the connection missed (events whose live
		 * fan-out was lost while Redis was unreachable).
		 */
		private Duration catchUpInterval = Duration.ofSeconds(5);

		/**
		 * Prefix of the hub's Redis channel and keys; hubs sharing one Redis need
		 * different ones.
		 */
		private String keyPrefix = "realtime:hub";

		public Duration getPresenceTtl() {
			return this.presenceTtl;
		}

		public void setPresenceTtl(Duration presenceTtl) {
			this.presenceTtl = presenceTtl;
		}

		public Duration getCatchUpInterval() {
			return this.catchUpInterval;
		}

		public void setCatchUpInterval(Duration catchUpInterval) {
			this.catchUpInterval = catchUpInterval;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

	}

}
