package dev.realtime.hub;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Purges stream events older than {@code realtime.hub.retention} every
 * {@code realtime.hub.purge-interval}, on its own thread so that it needs no scheduler
 * bean.
 */
final class HubRetentionPurger extends HubPeriodicTask {

	private static final Log logger = LogFactory.getLog(HubRetentionPurger.class);

	private final DefaultHub hub;

	HubRetentionPurger(DefaultHub hub, HubProperties properties) {
		super("hub-retention", Math.max(1000, properties.getPurgeInterval().toMillis()));
		this.hub = hub;
	}

	@Override
	void runOnce() {
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

}
