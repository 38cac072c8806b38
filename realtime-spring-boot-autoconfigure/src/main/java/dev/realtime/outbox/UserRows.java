package dev.realtime.outbox;

import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.OutboundMessage;

/**
 * A user's rows in the outbox tables, as the parts of the user's
 * {@link JdbcOutboundQueue} reach them: through the shared repository, in the relay's own
 * short transactions (a caller's transaction is joined through the DataSource instead),
 * with payloads stored as JSON text.
 *
 * @param userId the user
 * @param repository the outbox's statements
 * @param transaction the relay's own transactions
 */
record UserRows(String userId, OutboxRepository repository, TransactionTemplate transaction) {

	/**
	 * Return the event a row holds.
	 * @param row a row of the user
	 * @return its event, with the payload's JSON text as stored
	 */
	OutboundMessage toMessage(OutboxRow row) {
		return new OutboundMessage(row.key(), row.event(), row.payload(),
				OutboxRepository.instant(row.createdAtMicros()));
	}

	/**
	 * Return the row to insert for an event.
	 * @param message the event
	 * @param numbered whether it may take its seq as it is inserted
	 * @return the row, with the payload's JSON text as {@code sendEvent} serialized it
	 */
	NewRow toRow(OutboundMessage message, boolean numbered) {
		return new NewRow(this.userId, message.idempotencyKey(), message.event(), message.payloadJson(),
				OutboxRepository.micros(message.createdAt()), numbered);
	}

}
