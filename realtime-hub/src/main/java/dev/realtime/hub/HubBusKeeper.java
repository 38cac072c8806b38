package dev.realtime.hub;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * Every {@code realtime.hub.redis.catch-up-interval}, on its own thread: sends each open
 * session what it missed of its user's stream (live fan-out lost while Redis was
 * unreachable, or a pub/sub message dropped), and has the {@link RedisHubBus} refresh
 * this node's users in Redis. The catch-up reads the database only, so it goes on while
 * Redis is down.
 */
final class HubBusKeeper implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(HubBusKeeper.class);

	private final DefaultHub hub;

	private final RedisHubBus bus;

	private final long intervalMillis;

	private @Nullable ScheduledExecutorService executor;

	HubBusKeeper(DefaultHub hub, RedisHubBus bus, Duration interval) {
		this.hub = hub;
		this.bus = bus;
		this.intervalMillis = Math.max(100, interval.toMillis());
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		logger.info("Hub node " + this.bus.nodeId() + " shares its work over Redis channel " + this.bus.channel());
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "hub-bus-keeper");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.scheduleWithFixedDelay(this::keep, this.intervalMillis, this.intervalMillis,
				TimeUnit.MILLISECONDS);
	}

	private void keep() {
		Set<String> users = this.hub.sessions().connectedUsers();
		this.bus.refresh(users);
		try {
			int sent = this.hub.catchUp();
			if (sent > 0) {
				logger.debug("Caught up " + sent + " events that live fan-out did not bring");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Catching sessions up from the database failed; trying again in " + this.intervalMillis
					+ " ms (" + ex.getMessage() + ")");
		}
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}
