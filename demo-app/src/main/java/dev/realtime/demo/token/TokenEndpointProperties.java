package dev.realtime.demo.token;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the demo token endpoint, bound from {@code demo.token-endpoint.*}.
 */
@ConfigurationProperties("demo.token-endpoint")
public class TokenEndpointProperties {

	/**
	 * Whether to serve the token endpoint (POST /oauth/token) beside the hub.
	 */
	private boolean enabled = true;

	/**
	 * Lifetime of the access tokens issued.
	 */
	private Duration tokenTtl = Duration.ofMinutes(2);

	/**
	 * Registered clients, by client id.
	 */
	private Map<String, Client> clients = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getTokenTtl() {
		return this.tokenTtl;
	}

	public void setTokenTtl(Duration tokenTtl) {
		this.tokenTtl = tokenTtl;
	}

	public Map<String, Client> getClients() {
		return this.clients;
	}

	public void setClients(Map<String, Client> clients) {
		this.clients = clients;
	}

	/**
	 * A client allowed to get tokens.
	 */
	public static class Client {

		/**
		 * Secret the client authenticates with.
		 */
		private @Nullable String secret;

		/**
		 * User the client's tokens authenticate at the hub (their sub claim).
		 */
		private @Nullable String user;

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public @Nullable String getUser() {
			return this.user;
		}

		public void setUser(@Nullable String user) {
			this.user = user;
		}

	}

}
