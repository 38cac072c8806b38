package dev.realtime.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import dev.realtime.client.ClientMetrics;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ObservableClient;
import dev.realtime.inbox.FailedInboundEvents;
import dev.realtime.outbox.OutboxDeadLetters;

/**
 * The {@code realtime} actuator endpoint: the client's state and metrics, its inbound
 * events parked as failed and its outbound dead letters, which {@code POST
 * /actuator/realtime/{direction}/{id}} retries and {@code DELETE} removes
 * ({@code direction} is {@code inbound}, with the event's seq as id, or {@code outbound},
 * with the dead letter's id). Lists show the first {@value #LIST_LIMIT} entries; nothing
 * shown is a secret.
 */
@Endpoint(id = "realtime")
public class RealtimeEndpoint {

	/** Most parked events and dead letters listed. */
	static final int LIST_LIMIT = 100;

	private static final String INBOUND = "inbound";

	private static final String OUTBOUND = "outbound";

	private final ObservableClient client;

	private final @Nullable FailedInboundEvents failedInbound;

	private final @Nullable OutboxDeadLetters deadLetters;

	/**
	 * Create the endpoint.
	 * @param client the client
	 * @param failedInbound the inbox's parked events, when the inbox is durable
	 * @param deadLetters the outbox's dead letters, when the outbox is durable
	 */
	public RealtimeEndpoint(ObservableClient client, @Nullable FailedInboundEvents failedInbound,
			@Nullable OutboxDeadLetters deadLetters) {
		this.client = client;
		this.failedInbound = failedInbound;
		this.deadLetters = deadLetters;
	}

	/**
	 * Describe the client.
	 * @return the description
	 */
	@ReadOperation
	public RealtimeDescriptor realtime() {
		String userId = this.client.userId();
		return new RealtimeDescriptor(userId, this.client.clientId(), this.client.connectionState(),
				this.client.transport(), this.client.lastError(), this.client.metrics(),
				(this.failedInbound != null) ? this.failedInbound.list(userId, LIST_LIMIT) : null,
				(this.deadLetters != null) ? this.deadLetters.list(userId, 0, LIST_LIMIT) : null);
	}

	/**
	 * Return a parked inbound event to the listeners, or a dead letter to the outbox.
	 * @param direction {@code inbound} or {@code outbound}
	 * @param id the inbound event's seq, or the outbound dead letter's id
	 * @return what was done
	 */
	@WriteOperation
	public OperationResult retry(@Selector String direction, @Selector long id) {
		String userId = this.client.userId();
		if (INBOUND.equals(direction)) {
			return new OperationResult(direction, id, "retry", inbound().retry(userId, id));
		}
		return new OperationResult(direction, id, "retry", outbound(direction).retry(userId, id));
	}

	/**
	 * Delete a parked inbound event or a dead letter for good.
	 * @param direction {@code inbound} or {@code outbound}
	 * @param id the inbound event's seq, or the outbound dead letter's id
	 * @return what was done
	 */
	@DeleteOperation
	public OperationResult delete(@Selector String direction, @Selector long id) {
		String userId = this.client.userId();
		boolean found = INBOUND.equals(direction) ? inbound().delete(userId, id)
				: outbound(direction).delete(userId, id);
		return new OperationResult(direction, id, "delete", found);
	}

	private FailedInboundEvents inbound() {
		if (this.failedInbound == null) {
			throw new InvalidEndpointRequestException("The inbound store keeps no parked events", "no durable inbox");
		}
		return this.failedInbound;
	}

	private OutboxDeadLetters outbound(String direction) {
		if (!OUTBOUND.equals(direction)) {
			throw new InvalidEndpointRequestException(
					"Direction must be 'inbound' or 'outbound', not '" + direction + "'", "unknown direction");
		}
		if (this.deadLetters == null) {
			throw new InvalidEndpointRequestException("The outbound queue keeps no retrievable dead letters",
					"no durable outbox");
		}
		return this.deadLetters;
	}

	/**
	 * What the endpoint shows about the client.
	 *
	 * @param userId the client's user
	 * @param clientId the client's outbound stream
	 * @param state the connection state
	 * @param transport the transport of the current (or last) connection, {@code null}
	 * until one opened
	 * @param lastError the last connection-level error, if any
	 * @param metrics the activity and store counts
	 * @param failedInbound parked inbound events, {@code null} without a durable inbox
	 * @param deadLetters outbound dead letters, {@code null} without a durable outbox
	 */
	public record RealtimeDescriptor(String userId, String clientId, ConnectionState state, @Nullable String transport,
			@Nullable String lastError, ClientMetrics metrics, @Nullable List<?> failedInbound,
			@Nullable List<?> deadLetters) {
	}

	/**
	 * The outcome of a retry or delete.
	 *
	 * @param direction {@code inbound} or {@code outbound}
	 * @param id the inbound event's seq, or the outbound dead letter's id
	 * @param operation {@code retry} or {@code delete}
	 * @param found whether such an event existed (and was retried or deleted)
	 */
	public record OperationResult(String direction, long id, String operation, boolean found) {
	}

}
