package dev.realtime.hub;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Every {@code realtime.hub.redis.catch-up-interval}, on its own thread: sends each open
 * session what it missed of its user's stream (live fan-out lost while Redis was
 * unreachable, or a pub/sub message dropped), and has the {@link RedisHubBus} refresh
 * this node's users in Redis. The catch-up reads the database only, so it goes on while
 * Redis is down. It also starts the node's Redis subscription, and tries again each round
 * until it holds: a listener container started by the context would fail the node's start
 * when Redis is unreachable or slow, and a node must start and serve from the database
 * then (once subscribed, Lettuce re-subscribes after a lost connection).
 */
final class HubBusKeeper extends HubPeriodicTask {

	private static final Log logger = LogFactory.getLog(HubBusKeeper.class);

	private final DefaultHub hub;

	private final RedisHubBus bus;

	private final RedisMessageListenerContainer subscription;

	private volatile boolean subscribed;

	HubBusKeeper(DefaultHub hub, RedisHubBus bus, RedisMessageListenerContainer subscription, Duration interval) {
		super("hub-bus-keeper", Math.max(100, interval.toMillis()));
		this.hub = hub;
		this.bus = bus;
		this.subscription = subscription;
	}

	/**
	 * Subscribe to the bus's channel unless subscribed; a failure leaves the container
	 * stopped for the next round.
	 */
	private void subscribe() {
		if (this.subscribed) {
			return;
		}
		try {
			this.subscription.start();
			this.subscribed = true;
		}
		catch (RuntimeException ex) {
			this.subscription.stop();
			logger.warn("Subscribing to Redis channel " + this.bus.channel() + " failed; live fan-out from other"
					+ " nodes waits for it, the catch-up serves meanwhile; trying again in " + intervalMillis()
					+ " ms (" + ex.getMessage() + ")");
		}
	}

	@Override
	public void start() {
		if (!isRunning()) {
			logger.info("Hub node " + this.bus.nodeId() + " shares its work over Redis channel " + this.bus.channel());
		}
		subscribe();
		super.start();
	}

	@Override
	public synchronized void stop() {
		super.stop();
		this.subscription.stop();
		this.subscribed = false;
	}

	@Override
	void runOnce() {
		subscribe();
		this.bus.refresh(this.hub.sessions()::connectedUsers);
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
