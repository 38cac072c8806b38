package dev.realtime.autoconfigure;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.realtime.auth.OAuth2TokenProvider.ClientAuthentication;
import dev.realtime.auth.OAuth2TokenProvider.GrantType;

/**
 * Configuration properties of the realtime client's handshake authentication: a static
 * token, an OAuth2 token endpoint, or a Spring Security client registration.
 */
@ConfigurationProperties("realtime.auth")
public class RealtimeAuthProperties {

	/**
	 * Static bearer token sent at the handshake. Prefer an environment variable
	 * (REALTIME_AUTH_TOKEN) over a file.
	 */
	private @Nullable String token;

	/**
	 * OAuth2 token endpoint to get refreshed access tokens from.
	 */
	private @Nullable URI tokenUri;

	/**
	 * OAuth2 grant used at the token endpoint.
	 */
	private GrantType grantType = GrantType.CLIENT_CREDENTIALS;

	/**
	 * Client identifier at the token endpoint.
	 */
	private @Nullable String clientId;

	/**
	 * Client secret at the token endpoint. Prefer an environment variable
	 * (REALTIME_AUTH_CLIENT_SECRET) over a file.
	 */
	private @Nullable String clientSecret;

	/**
	 * How the client secret is sent to the token endpoint.
	 */
	private ClientAuthentication clientAuthentication = ClientAuthentication.CLIENT_SECRET_BASIC;

	/**
	 * Initial refresh token for the refresh_token grant. Tokens rotated by the endpoint
	 * replace it in memory only.
	 */
	private @Nullable String refreshToken;

	/**
	 * Space-separated scopes to request, the endpoint's default when not set.
	 */
	private @Nullable String scope;

	/**
	 * Time before an access token expires at which it is refreshed, but no earlier than
	 * half its lifetime.
	 */
	private Duration refreshBeforeExpiry = Duration.ofSeconds(30);

	/**
	 * Time a token request (connect and answer) may take.
	 */
	private Duration timeout = Duration.ofSeconds(10);

	/**
	 * SSL bundle (spring.ssl.bundle.*) that token requests to token-uri trust and
	 * present, instead of the JVM's defaults.
	 */
	private @Nullable String sslBundle;

	/**
	 * Spring Security OAuth2 client registration
	 * (spring.security.oauth2.client.registration.*) to get access tokens for, instead of
	 * token-uri.
	 */
	private @Nullable String registrationId;

	/**
	 * Refreshed tokens the hub may reject in a row before the client fails.
	 */
	private int maxFailures = 3;

	public @Nullable String getToken() {
		return this.token;
	}

	public void setToken(@Nullable String token) {
		this.token = token;
	}

	public @Nullable URI getTokenUri() {
		return this.tokenUri;
	}

	public void setTokenUri(@Nullable URI tokenUri) {
		this.tokenUri = tokenUri;
	}

	public GrantType getGrantType() {
		return this.grantType;
	}

	public void setGrantType(GrantType grantType) {
		this.grantType = grantType;
	}

	public @Nullable String getClientId() {
		return this.clientId;
	}

	public void setClientId(@Nullable String clientId) {
		this.clientId = clientId;
	}

	public @Nullable String getClientSecret() {
		return this.clientSecret;
	}

	public void setClientSecret(@Nullable String clientSecret) {
		this.clientSecret = clientSecret;
	}

	public ClientAuthentication getClientAuthentication() {
		return this.clientAuthentication;
	}

	public void setClientAuthentication(ClientAuthentication clientAuthentication) {
		this.clientAuthentication = clientAuthentication;
	}

	public @Nullable String getRefreshToken() {
		return this.refreshToken;
	}

	public void setRefreshToken(@Nullable String refreshToken) {
		this.refreshToken = refreshToken;
	}

	public @Nullable String getScope() {
		return this.scope;
	}

	public void setScope(@Nullable String scope) {
		this.scope = scope;
	}

	public Duration getRefreshBeforeExpiry() {
		return this.refreshBeforeExpiry;
	}

	public void setRefreshBeforeExpiry(Duration refreshBeforeExpiry) {
		this.refreshBeforeExpiry = refreshBeforeExpiry;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public @Nullable String getSslBundle() {
		return this.sslBundle;
	}

	public void setSslBundle(@Nullable String sslBundle) {
		this.sslBundle = sslBundle;
	}

	public @Nullable String getRegistrationId() {
		return this.registrationId;
	}

	public void setRegistrationId(@Nullable String registrationId) {
		this.registrationId = registrationId;
	}

	public int getMaxFailures() {
		return this.maxFailures;
	}

	public void setMaxFailures(int maxFailures) {
		this.maxFailures = maxFailures;
	}

}
