package dev.realtime.hub;

import java.time.Duration;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Every {@code realtime.hub.redis.catch-up-interval}, on its own thread: sends each open
 * session what it missed of its user's stream (live fan-out lost while Redis was
 * unreachable, or a pub/sub message dropped), and has the {@link RedisHubBus} refresh
 * this node's users in Redis. The catch-up reads the database only, so it goes on while
 * Redis is down.
 */
final class HubBusKeeper extends HubPeriodicTask {

	private static final Log logger = LogFactory.getLog(HubBusKeeper.class);

	private final DefaultHub hub;

	private final RedisHubBus bus;

	HubBusKeeper(DefaultHub hub, RedisHubBus bus, Duration interval) {
		super("hub-bus-keeper", Math.max(100, interval.toMillis()));
		this.hub = hub;
		this.bus = bus;
	}

	@Override
	public void start() {
		if (!isRunning()) {
			logger.info("Hub node " + this.bus.nodeId() + " shares its work over Redis channel " + this.bus.channel());
		}
		super.start();
	}

	@Override
	void runOnce() {
		Set<String> users = this.hub.sessions().connectedUsers();
		this.bus.refresh(users);
		try {
			int sent = this.hub.catchUp();
			if (sent > 0) {
				logger.debug("Caught up " + sent + " events that live fan-out did not bring");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Catching sessions up from the database failed; trying again in " + intervalMillis() + " ms ("
					+ ex.getMessage() + ")");
		}
	}

}
