package dev.realtime.hub;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * Purges stream events older than {@code realtime.hub.retention} every
 * {@code realtime.hub.purge-interval}, on its own thread so that it needs no scheduler
 * bean.
 */
final class HubRetentionPurger implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(HubRetentionPurger.class);

	private final DefaultHub hub;

	private final long intervalMillis;

	private @Nullable ScheduledExecutorService executor;

	HubRetentionPurger(DefaultHub hub, HubProperties properties) {
		this.hub = hub;
		this.intervalMillis = Math.max(1000, properties.getPurgeInterval().toMillis());
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "hub-retention");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.scheduleWithFixedDelay(this::purge, this.intervalMillis, this.intervalMillis,
				TimeUnit.MILLISECONDS);
	}

	private void purge() {
		try {
			int purged = this.hub.purgeExpired();
			if (purged > 0) {
				logger.info("Purged " + purged + " stream events older than the retention window");
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Purging expired stream events failed; trying again later", ex);
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
