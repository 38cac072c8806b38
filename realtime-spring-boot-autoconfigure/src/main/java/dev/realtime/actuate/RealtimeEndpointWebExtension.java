package dev.realtime.actuate;

import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

import dev.realtime.actuate.RealtimeEndpoint.RealtimeDescriptor;

/**
 * The {@link RealtimeEndpoint} over HTTP: shows the payloads of parked events and dead
 * letters only to the callers {@code management.endpoint.realtime.show-values} and
 * {@code roles} allow, as Spring Boot's {@code env} and {@code quartz} endpoints show
 * values.
 */
@EndpointWebExtension(endpoint = RealtimeEndpoint.class)
public class RealtimeEndpointWebExtension {

	private final RealtimeEndpoint delegate;

	private final Show showValues;

	private final Set<String> roles;

	/**
	 * Create the extension.
	 * @param delegate the endpoint
	 * @param showValues when to show payloads
	 * @param roles the roles that may see payloads when they are shown to authorized
	 * callers; any authenticated caller when empty
	 */
	public RealtimeEndpointWebExtension(RealtimeEndpoint delegate, Show showValues, Set<String> roles) {
		this.delegate = delegate;
		this.showValues = showValues;
		this.roles = roles;
	}

	/**
	 * Describe the client, and list the users connected at runtime.
	 * @param securityContext the caller
	 * @return the description
	 */
	@ReadOperation
	public RealtimeDescriptor realtime(SecurityContext securityContext) {
		return this.delegate.describe(this.showValues.isShown(securityContext, this.roles));
	}

	/**
	 * Describe one user's client, with its parked events and dead letters.
	 * @param securityContext the caller
	 * @param userId the user
	 * @return the description, {@code null} (404) when the user has no client here
	 */
	@ReadOperation
	public @Nullable RealtimeDescriptor user(SecurityContext securityContext, @Selector String userId) {
		return this.delegate.describeUser(userId, this.showValues.isShown(securityContext, this.roles));
	}

}
