package dev.realtime.privacy;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.Subscription;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.PrivacySettings;

/**
 * Sends the user's {@link PrivacySettings} to the hub after every (re)connect, as the
 * meta signal {@value MetaFrame#PRIVACY_UPDATE} with payload {@code {"typing_indicators":
 * true|false, "read_receipts": true|false}}. The signal is an extension of protocol
 * version 1: a server that does not know it ignores it (unknown meta events are ignored),
 * and the client still sends no disabled signal on its own.
 */
public class PrivacyAnnouncer implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PrivacyAnnouncer.class);

	private final PrivacySettings settings;

	private final Subscription subscription;

	/**
	 * Announce the settings on every connect of the client.
	 * @param client the client
	 * @param settings the user's settings
	 */
	public PrivacyAnnouncer(MetaSignalClient client, PrivacySettings settings) {
		this.settings = settings;
		this.subscription = client.onConnectionStateChange((change) -> {
			if (change.current() == ConnectionState.CONNECTED) {
				announce(client);
			}
		});
		// created after the client connected: that connect is not seen as a change
		if (client.connectionState() == ConnectionState.CONNECTED) {
			announce(client);
		}
	}

	private void announce(MetaSignalClient client) {
		logger.debug("Announcing privacy settings " + this.settings + " of '" + client.userId() + "'");
		client.sendMeta(MetaFrame.PRIVACY_UPDATE, this.settings.toPayload());
	}

	/**
	 * Return the settings announced.
	 * @return the settings
	 */
	public PrivacySettings settings() {
		return this.settings;
	}

	@Override
	public void close() {
		this.subscription.close();
	}

}
