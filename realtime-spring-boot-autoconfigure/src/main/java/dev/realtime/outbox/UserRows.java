package dev.realtime.outbox;

import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

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
 * @param mapper converts payloads to and from their stored JSON text
 */
record UserRows(String userId, OutboxRepository repository, TransactionTemplate transaction, ObjectMapper mapper) {

	/**
	 * Return the event a row holds.
	 * @param row a row of the user
	 * @return its event, with the payload read back from its JSON text
	 */
	OutboundMessage toMessage(OutboxRow row) {
		return new OutboundMessage(row.key(), row.event(), this.mapper.readTree(row.payload()),
				OutboxRepository.instant(row.createdAtMicros()));
	}

	/**
	 * Return the row to insert for an event.
	 * @param message the event
	 * @param numbered whether it may take its seq as it is inserted
	 * @return the row, its payload as JSON text
	 */
	NewRow toRow(OutboundMessage message, boolean numbered) {
		return new NewRow(this.userId, message.idempotencyKey(), message.event(),
				this.mapper.writeValueAsString(message.payload()), OutboxRepository.micros(message.createdAt()),
				numbered);
	}

}
