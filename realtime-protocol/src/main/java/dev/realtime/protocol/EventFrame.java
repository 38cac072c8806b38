package dev.realtime.protocol;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An application event. Outbound it carries the client's seq (absent for at-most-once
 * events), {@code client_id} and idempotency key; inbound it carries the server's seq for
 * the user's stream and the origin's {@code client_id} and idempotency key when there is
 * one.
 *
 * @param seq the sequence number, or {@code null} for an unsequenced at-most-once event
 * @param clientId the {@code client_id} of the origin, if any
 * @param idempotencyKey the idempotency key of the origin, if any
 * @param event the event name, for example {@code chat.message}
 * @param payload the JSON payload
 * @param timestamp the sender's clock (client) or the authoritative server clock (server)
 */
public record EventFrame(@Nullable Long seq, @Nullable String clientId, @Nullable String idempotencyKey, String event,
		JsonNode payload, @Nullable Instant timestamp) implements Frame {

	/**
	 * The event name of a read receipt, whose payload names {@code message_id} and
	 * {@code channel_id}: a server fans it out to the channel's other members with the
	 * reader's {@code user_id} added.
	 */
	public static final String RECEIPT_READ = "receipt.read";

	@Override
	public FrameType type() {
		return FrameType.EVENT;
	}

}
