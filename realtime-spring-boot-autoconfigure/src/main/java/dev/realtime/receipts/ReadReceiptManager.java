package dev.realtime.receipts;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import dev.realtime.client.DeliveryStrategy;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendOptions;
import dev.realtime.client.Subscription;
import dev.realtime.protocol.ChannelFields;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.PrivacySettings;
import dev.realtime.protocol.UserIds;

/**
 * Read receipts of the client's user and of the users reading its channels.
 * <p>
 * A receipt is a durable application event {@value EventFrame#RECEIPT_READ} with payload
 * {@code {"message_id": …, "channel_id": …}}, sent through the outbox at least once with
 * an idempotency key derived from the message, so reading a message twice is accepted
 * once. The hub fans it out to the channel's other members with the reader's
 * {@code user_id} added; those receipts, and the user's own, are kept in a
 * {@link ReceiptStore}. Nothing is sent when the user's {@link PrivacySettings} disable
 * read receipts.
 */
public class ReadReceiptManager implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ReadReceiptManager.class);

	private final RealtimeClient client;

	private final ReceiptStore store;

	private final Supplier<PrivacySettings> privacy;

	private final Clock clock;

	private final List<Consumer<ReadReceipt>> listeners = new CopyOnWriteArrayList<>();

	private final Subscription subscription;

	/**
	 * Create a manager for a client.
	 * @param client the client
	 * @param store where receipts are kept
	 * @param privacy the user's privacy settings
	 * @param clock the clock for the time of the user's own receipts
	 */
	public ReadReceiptManager(RealtimeClient client, ReceiptStore store, PrivacySettings privacy, Clock clock) {
		this(client, store, () -> privacy, clock);
	}

	/**
	 * Create a manager for a client whose user may change its privacy settings.
	 * @param client the client
	 * @param store where receipts are kept
	 * @param privacy supplies the user's current privacy settings
	 * @param clock the clock for the time of the user's own receipts
	 */
	public ReadReceiptManager(RealtimeClient client, ReceiptStore store, Supplier<PrivacySettings> privacy,
			Clock clock) {
		this.client = client;
		this.store = store;
		this.privacy = privacy;
		this.clock = clock;
		this.subscription = client.onMessage(this::onMessage);
	}

	/**
	 * Tell the channel's other members that the user read a message, and keep the user's
	 * own receipt. A no-op (logged at debug level) when the user's privacy settings
	 * disable read receipts. Inside a transaction, the receipt is sent only if it commits
	 * (with the outbox in the database).
	 * @param messageId the message
	 * @param channelId the channel the message is in
	 * @return the send handle, empty when read receipts are disabled
	 * @throws IllegalArgumentException if an id is blank, or not
	 * {@value ChannelFields#ID_RULE}
	 */
	public Optional<SendHandle> sendReadReceipt(String messageId, String channelId) {
		ChannelFields.requireId("Message id", messageId);
		ChannelFields.requireId("Channel id", channelId);
		if (!this.privacy.get().readReceipts()) {
			logger.debug("Not sending a read receipt for message '" + messageId
					+ "': read receipts are disabled (realtime.privacy.read-receipts)");
			return Optional.empty();
		}
		String key = "receipt-" + UUID.nameUUIDFromBytes(messageId.getBytes(StandardCharsets.UTF_8));
		SendHandle handle = this.client.sendEvent(EventFrame.RECEIPT_READ,
				Map.of("message_id", messageId, "channel_id", channelId),
				SendOptions.with(DeliveryStrategy.AT_LEAST_ONCE).idempotencyKey(key));
		this.store.save(this.client.userId(),
				new ReadReceipt(messageId, channelId, this.client.userId(), this.clock.instant()));
		return Optional.of(handle);
	}

	/**
	 * Return the receipts of a message known to this user, oldest first.
	 * @param messageId the message
	 * @return the receipts
	 */
	public List<ReadReceipt> getReceipts(String messageId) {
		return this.store.findByMessage(this.client.userId(), messageId);
	}

	/**
	 * Return whether a user is known to have read a message.
	 * @param messageId the message
	 * @param userId the reader
	 * @return whether a receipt is known
	 */
	public boolean hasUserRead(String messageId, String userId) {
		return this.store.exists(this.client.userId(), messageId, userId);
	}

	/**
	 * Register a listener for receipts received from the hub, called once per new receipt
	 * on the client's listener thread, after the receipt is stored.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	public Subscription onReadReceipt(Consumer<ReadReceipt> listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	/**
	 * Store a receipt from the hub. A store failure propagates, so the inbound store
	 * retries the event; a malformed receipt, which no store could keep, is skipped.
	 * @param message an inbound event, ignored unless it is a read receipt
	 */
	private void onMessage(InboundMessage message) {
		if (!EventFrame.RECEIPT_READ.equals(message.event())) {
			return;
		}
		JsonNode payload = message.payload();
		Optional<String> messageId = payload.path("message_id").stringValueOpt().filter(ChannelFields::isId);
		Optional<String> channelId = payload.path("channel_id").stringValueOpt().filter(ChannelFields::isId);
		Optional<String> reader = payload.path("user_id").stringValueOpt().filter(UserIds::isValid);
		if (messageId.isEmpty() || channelId.isEmpty() || reader.isEmpty()) {
			logger.warn("Skipping receipt.read seq " + message.seq() + ": it needs a message_id and a channel_id of "
					+ ChannelFields.ID_RULE + " and a valid user_id (" + UserIds.RULE + ")");
			ObservableClient.countInvalidFrameOf(this.client);
			return;
		}
		Instant readAt = (message.timestamp() != null) ? message.timestamp() : this.clock.instant();
		ReadReceipt receipt = new ReadReceipt(messageId.get(), channelId.get(), reader.get(), readAt);
		if (this.store.save(this.client.userId(), receipt)) {
			for (Consumer<ReadReceipt> listener : this.listeners) {
				try {
					listener.accept(receipt);
				}
				catch (RuntimeException ex) {
					logger.warn("Read receipt listener failed", ex);
				}
			}
		}
	}

	@Override
	public void close() {
		this.subscription.close();
	}

}
