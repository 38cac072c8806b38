package dev.realtime.auth;

import java.time.Clock;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthorizationException;

import dev.realtime.auth.TokenSource.IssuedToken;

/**
 * A {@link RefreshingTokenProvider} that gets access tokens for a Spring Security client
 * registration ({@code spring.security.oauth2.client.registration.*}) from an
 * {@link OAuth2AuthorizedClientManager} that works outside a web request, typically an
 * {@code AuthorizedClientServiceOAuth2AuthorizedClientManager} with the
 * {@code client_credentials} grant.
 */
public final class SpringSecurityTokenProvider extends RefreshingTokenProvider {

	/** The principal the client's tokens are stored under: the service itself. */
	static final String PRINCIPAL = "realtime-client";

	/**
	 * Create a provider.
	 * @param manager authorizes the registration
	 * @param authorizedClients where the manager stores authorized clients, or
	 * {@code null} if unknown; a refresh removes the stored one so the manager asks the
	 * token endpoint again
	 * @param registrationId the client registration
	 * @param refreshBeforeExpiry how long before its expiry a token is refreshed
	 */
	public SpringSecurityTokenProvider(OAuth2AuthorizedClientManager manager,
			@Nullable OAuth2AuthorizedClientService authorizedClients, String registrationId,
			Duration refreshBeforeExpiry) {
		super("client registration '" + registrationId + "'",
				new AuthorizedClientSource(manager, authorizedClients, registrationId), refreshBeforeExpiry,
				Clock.systemUTC());
	}

	private static final class AuthorizedClientSource implements TokenSource {

		private final OAuth2AuthorizedClientManager manager;

		private final @Nullable OAuth2AuthorizedClientService authorizedClients;

		private final String registrationId;

		AuthorizedClientSource(OAuth2AuthorizedClientManager manager,
				@Nullable OAuth2AuthorizedClientService authorizedClients, String registrationId) {
			this.manager = manager;
			this.authorizedClients = authorizedClients;
			this.registrationId = registrationId;
		}

		@Override
		public IssuedToken fetch() {
			if (this.authorizedClients != null) {
				// we refresh when we decide to, not when the manager's clock skew says so
				this.authorizedClients.removeAuthorizedClient(this.registrationId, PRINCIPAL);
			}
			OAuth2AuthorizedClient client;
			try {
				client = this.manager.authorize(OAuth2AuthorizeRequest.withClientRegistrationId(this.registrationId)
					.principal(PRINCIPAL)
					.build());
			}
			catch (OAuth2AuthorizationException ex) {
				String error = ex.getError().getErrorCode();
				boolean permanent = OAuth2Errors.isPermanent(error);
				throw new TokenUnavailableException(
						"Client registration '" + this.registrationId + "' was not authorized: " + error
								+ (permanent ? "; check spring.security.oauth2.client.registration."
										+ this.registrationId + ".client-id and client-secret" : ""),
						permanent, ex);
			}
			if (client == null) {
				throw new TokenUnavailableException("Client registration '" + this.registrationId
						+ "' cannot be authorized without a user; use authorization-grant-type client_credentials",
						true);
			}
			OAuth2AccessToken token = client.getAccessToken();
			return new IssuedToken(token.getTokenValue(), token.getExpiresAt());
		}

	}

}
