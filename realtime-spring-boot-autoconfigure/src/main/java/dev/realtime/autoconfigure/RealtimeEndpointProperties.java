package dev.realtime.autoconfigure;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.realtime.actuate.RealtimeEndpoint;

/**
 * Configuration properties of the {@link RealtimeEndpoint}.
 */
@ConfigurationProperties("management.endpoint.realtime")
public class RealtimeEndpointProperties {

	/**
	 * When to show the payloads of parked inbound events and outbound dead letters;
	 * otherwise each payload is replaced by "******".
	 */
	private Show showValues = Show.NEVER;

	/**
	 * Roles used to determine whether a user is authorized to be shown payloads. When
	 * empty, all authenticated users are authorized.
	 */
	private final Set<String> roles = new LinkedHashSet<>();

	public Show getShowValues() {
		return this.showValues;
	}

	public void setShowValues(Show showValues) {
		this.showValues = showValues;
	}

	public Set<String> getRoles() {
		return this.roles;
	}

}
