package dev.realtime.actuate;

import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

import dev.realtime.client.ClientMetrics;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ObservableClient;
import dev.realtime.inbox.FailedInboundEvent;
import dev.realtime.inbox.FailedInboundEvents;
import dev.realtime.outbox.OutboxDeadLetter;
import dev.realtime.outbox.OutboxDeadLetters;

/**
 * The {@code realtime} actuator endpoint: the client's state and metrics, its inbound
 * events parked as failed and its outbound dead letters, which {@code POST
 * /actuator/realtime/{direction}/{id}} retries and {@code DELETE} removes
 * ({@code direction} is {@code inbound}, with the event's seq as id, or {@code outbound},
 * with the dead letter's id). The users connected through {@code RealtimeClients} are
 * listed too (state and counts); {@code GET /actuator/realtime/{userId}} describes one of
 * them with its parked events and dead letters, which {@code POST} and {@code DELETE
 * /actuator/realtime/{userId}/{direction}/{id}} retry and remove. Lists show the first
 * {@value #LIST_LIMIT} entries; no token or credential is shown. An application without a
 * client of its own (no {@code realtime.user-id}) gets the list of its users, and the
 * per-user operations.
 * <p>
 * The payloads of parked events and dead letters (chat text, personal data) are replaced
 * by {@code "******"} unless {@code management.endpoint.realtime.show-values} allows
 * them, as Spring Boot's {@code env} endpoint does with values: {@link Show#NEVER} by
 * default; {@link Show#WHEN_AUTHORIZED} shows them over HTTP to callers with one of
 * {@code management.endpoint.realtime.roles} (see {@link RealtimeEndpointWebExtension})
 * and over JMX, whose callers are authorized by the JMX connector; {@link Show#ALWAYS} to
 * everyone who may read the endpoint.
 */
@Endpoint(id = "realtime")
public class RealtimeEndpoint {

	/** Most parked events and dead letters listed. */
	static final int LIST_LIMIT = 100;

	private static final String INBOUND = "inbound";

	private static final String OUTBOUND = "outbound";

	/** What a payload that is not shown reads as, as in Spring Boot's endpoints. */
	private static final JsonNode SANITIZED = StringNode.valueOf(SanitizableData.SANITIZED_VALUE);

	private final @Nullable ObservableClient client;

	private final @Nullable FailedInboundEvents failedInbound;

	private final @Nullable OutboxDeadLetters deadLetters;

	private final Supplier<List<ObservableClient>> users;

	private final Show showValues;

	/**
	 * Create the endpoint, which never shows payloads.
	 * @param client the client
	 * @param failedInbound the inbox's parked events, when the inbox is durable
	 * @param deadLetters the outbox's dead letters, when the outbox is durable
	 */
	public RealtimeEndpoint(ObservableClient client, @Nullable FailedInboundEvents failedInbound,
			@Nullable OutboxDeadLetters deadLetters) {
		this(client, failedInbound, deadLetters, List::of, Show.NEVER);
	}

	/**
	 * Create the endpoint of an application that also connects users at runtime.
	 * @param client the client of {@code realtime.user-id}, {@code null} when the
	 * application has none
	 * @param failedInbound the inbox's parked events, when the inbox is durable
	 * @param deadLetters the outbox's dead letters, when the outbox is durable
	 * @param users supplies the clients of the users connected at runtime
	 * @param showValues when to show the payloads of parked events and dead letters
	 */
	public RealtimeEndpoint(@Nullable ObservableClient client, @Nullable FailedInboundEvents failedInbound,
			@Nullable OutboxDeadLetters deadLetters, Supplier<List<ObservableClient>> users, Show showValues) {
		this.client = client;
		this.failedInbound = failedInbound;
		this.deadLetters = deadLetters;
		this.users = users;
		this.showValues = showValues;
	}

	/**
	 * Describe the client, and list the users connected at runtime.
	 * @return the description; only the list of users when the application has no client
	 * of its own
	 */
	@ReadOperation
	public RealtimeDescriptor realtime() {
		return describe(this.showValues.isShown(true));
	}

	/**
	 * Describe the client, and list the users connected at runtime.
	 * @param showPayloads whether to show the payloads of parked events and dead letters
	 * @return the description
	 */
	RealtimeDescriptor describe(boolean showPayloads) {
		List<UserSummary> users = this.users.get()
			.stream()
			.sorted(Comparator.comparing(ObservableClient::userId))
			.limit(LIST_LIMIT)
			.map((user) -> {
				ClientMetrics metrics = user.metrics();
				return new UserSummary(user.userId(), user.connectionState(), metrics.queueSize(),
						metrics.deadLetters(), metrics.failedInbound(), user.lastError());
			})
			.toList();
		if (this.client == null) {
			return new RealtimeDescriptor(null, null, null, null, null, null, null, null, users);
		}
		return describe(this.client, users, showPayloads);
	}

	/**
	 * Describe one user's client, with its parked events and dead letters.
	 * @param userId the user
	 * @return the description, {@code null} (404) when the user has no client here
	 */
	@ReadOperation
	public @Nullable RealtimeDescriptor user(@Selector String userId) {
		return describeUser(userId, this.showValues.isShown(true));
	}

	/**
	 * Describe one user's client, with its parked events and dead letters.
	 * @param userId the user
	 * @param showPayloads whether to show the payloads of parked events and dead letters
	 * @return the description, {@code null} when the user has no client here
	 */
	@Nullable RealtimeDescriptor describeUser(String userId, boolean showPayloads) {
		ObservableClient user = find(userId);
		return (user != null) ? describe(user, null, showPayloads) : null;
	}

	/**
	 * Return a user's parked inbound event to the listeners, or a dead letter to the
	 * outbox.
	 * @param userId the user
	 * @param direction {@code inbound} or {@code outbound}
	 * @param id the inbound event's seq, or the outbound dead letter's id
	 * @return what was done
	 */
	@WriteOperation
	public OperationResult retryOfUser(@Selector String userId, @Selector String direction, @Selector long id) {
		if (INBOUND.equals(direction)) {
			return new OperationResult(direction, id, "retry", inbound().retry(userId, id));
		}
		return new OperationResult(direction, id, "retry", outbound(direction).retry(userId, id));
	}

	/**
	 * Delete a user's parked inbound event or dead letter for good.
	 * @param userId the user
	 * @param direction {@code inbound} or {@code outbound}
	 * @param id the inbound event's seq, or the outbound dead letter's id
	 * @return what was done
	 */
	@DeleteOperation
	public OperationResult deleteOfUser(@Selector String userId, @Selector String direction, @Selector long id) {
		boolean found = INBOUND.equals(direction) ? inbound().delete(userId, id)
				: outbound(direction).delete(userId, id);
		return new OperationResult(direction, id, "delete", found);
	}

	private @Nullable ObservableClient find(String userId) {
		if (this.client != null && this.client.userId().equals(userId)) {
			return this.client;
		}
		return this.users.get().stream().filter((user) -> user.userId().equals(userId)).findFirst().orElse(null);
	}

	private RealtimeDescriptor describe(ObservableClient described, @Nullable List<UserSummary> users,
			boolean showPayloads) {
		String userId = described.userId();
		List<FailedInboundEvent> parked = (this.failedInbound != null) ? this.failedInbound.list(userId, LIST_LIMIT)
				: null;
		List<OutboxDeadLetter> dead = (this.deadLetters != null) ? this.deadLetters.list(userId, 0, LIST_LIMIT) : null;
		if (!showPayloads) {
			parked = (parked != null) ? parked.stream().map(RealtimeEndpoint::withoutPayload).toList() : null;
			dead = (dead != null) ? dead.stream().map(RealtimeEndpoint::withoutPayload).toList() : null;
		}
		return new RealtimeDescriptor(userId, described.clientId(), described.connectionState(), described.transport(),
				described.lastError(), described.metrics(), parked, dead, users);
	}

	private static FailedInboundEvent withoutPayload(FailedInboundEvent event) {
		return new FailedInboundEvent(event.userId(), event.seq(), event.event(), SANITIZED, event.timestamp(),
				event.attempts(), event.lastError(), event.receivedAt());
	}

	private static OutboxDeadLetter withoutPayload(OutboxDeadLetter dead) {
		return new OutboxDeadLetter(dead.id(), dead.idempotencyKey(), dead.event(), SANITIZED, dead.createdAt(),
				dead.seq(), dead.errorCode(), dead.errorMessage(), dead.deadAt());
	}

	/**
	 * Return a parked inbound event to the listeners, or a dead letter to the outbox.
	 * @param direction {@code inbound} or {@code outbound}
	 * @param id the inbound event's seq, or the outbound dead letter's id
	 * @return what was done
	 */
	@WriteOperation
	public OperationResult retry(@Selector String direction, @Selector long id) {
		return retryOfUser(ownUserId(), direction, id);
	}

	/**
	 * Delete a parked inbound event or a dead letter for good.
	 * @param direction {@code inbound} or {@code outbound}
	 * @param id the inbound event's seq, or the outbound dead letter's id
	 * @return what was done
	 */
	@DeleteOperation
	public OperationResult delete(@Selector String direction, @Selector long id) {
		return deleteOfUser(ownUserId(), direction, id);
	}

	private String ownUserId() {
		if (this.client == null) {
			throw new InvalidEndpointRequestException(
					"The application has no client of its own (realtime.user-id "
							+ "is not set): name the user, /actuator/realtime/{userId}/{direction}/{id}",
					"no own client");
		}
		return this.client.userId();
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
	 * What the endpoint shows about the client. Without a client of the application's
	 * own, only {@code users} is set.
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
	 * @param users the users connected at runtime (the first {@value #LIST_LIMIT} by id),
	 * {@code null} when describing one of them
	 */
	public record RealtimeDescriptor(@Nullable String userId, @Nullable String clientId,
			@Nullable ConnectionState state, @Nullable String transport, @Nullable String lastError,
			@Nullable ClientMetrics metrics, @Nullable List<?> failedInbound, @Nullable List<?> deadLetters,
			@Nullable List<UserSummary> users) {
	}

	/**
	 * A user connected at runtime, as listed.
	 *
	 * @param userId the user
	 * @param state the connection state
	 * @param pending outbound events waiting for an ack
	 * @param deadLetters outbound dead letters
	 * @param failedInbound inbound events parked as failed
	 * @param lastError the last connection-level error, if any
	 */
	public record UserSummary(String userId, ConnectionState state, long pending, long deadLetters, long failedInbound,
			@Nullable String lastError) {
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
