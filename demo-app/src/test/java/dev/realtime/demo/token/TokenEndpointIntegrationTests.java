package dev.realtime.demo.token;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.auth.OAuth2TokenProvider;
import dev.realtime.auth.OAuth2TokenProvider.ClientAuthentication;
import dev.realtime.auth.TokenUnavailableException;
import dev.realtime.hub.security.HubTokenVerifier;
import dev.realtime.hub.security.VerifiedToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The demo token endpoint over HTTP, on the demo's embedded H2 database (in memory here).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false",
				"spring.datasource.url=jdbc:h2:mem:token-${random.uuid};DB_CLOSE_DELAY=-1",
				"demo.token-endpoint.clients.billing.secret=billing-secret",
				"demo.token-endpoint.clients.billing.user=billing-service" })
class TokenEndpointIntegrationTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	HubTokenVerifier verifier;

	@Test
	void registeredClientGetsAShortLivedJwtTheHubAccepts() throws Exception {
		HttpResponse<String> response = post("grant_type=client_credentials", basic("billing", "billing-secret"));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
		JsonNode body = json.readTree(response.body());
		assertThat(body.get("token_type").stringValue()).isEqualTo("Bearer");
		assertThat(body.get("expires_in").longValue()).isEqualTo(120);
		VerifiedToken verified = this.verifier.verify(body.get("access_token").stringValue());
		assertThat(verified.userId()).isEqualTo("billing-service");
		assertThat(verified.validUntil()).isNotNull();
	}

	@Test
	void clientMayAuthenticateWithFormParameters() throws Exception {
		HttpResponse<String> response = post(
				"grant_type=client_credentials&client_id=billing&client_secret=billing-secret", null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(json.readTree(response.body()).has("access_token")).isTrue();
	}

	@Test
	void wrongSecretOrUnknownClientIsInvalidClient() throws Exception {
		for (String authorization : new String[] { basic("billing", "wrong"), basic("nobody", "billing-secret") }) {
			HttpResponse<String> response = post("grant_type=client_credentials", authorization);
			assertThat(response.statusCode()).isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate"))
				.hasValueSatisfying((value) -> assertThat(value).startsWith("Basic"));
			assertThat(error(response)).isEqualTo("invalid_client");
			assertThat(response.body()).doesNotContain("billing-secret");
		}
		assertThat(post("grant_type=client_credentials&client_id=billing", null).statusCode()).isEqualTo(401);
	}

	@Test
	void otherGrantTypesAreUnsupported() throws Exception {
		HttpResponse<String> response = post("grant_type=password&username=a&password=b",
				basic("billing", "billing-secret"));
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(error(response)).isEqualTo("unsupported_grant_type");
	}

	@Test
	void malformedRequestsAreInvalidRequest() throws Exception {
		String credentials = basic("billing", "billing-secret");
		assertThat(error(post("", credentials))).isEqualTo("invalid_request");
		assertThat(error(post("grant_type=client_credentials&grant_type=client_credentials", credentials)))
			.isEqualTo("invalid_request");
		assertThat(error(post("grant_type=client_credentials&client_secret=billing-secret", credentials)))
			.isEqualTo("invalid_request");
	}

	@Test
	void theLibrarysOAuth2ClientGetsTokensFromIt() {
		try (OAuth2TokenProvider tokens = provider("demo-client", "demo-client-secret",
				ClientAuthentication.CLIENT_SECRET_BASIC)) {
			assertThat(this.verifier.verify(tokens.getToken()).userId()).isEqualTo("demo");
		}
		try (OAuth2TokenProvider tokens = provider("demo-client", "wrong", ClientAuthentication.CLIENT_SECRET_POST)) {
			assertThatExceptionOfType(TokenUnavailableException.class).isThrownBy(tokens::getToken)
				.satisfies((ex) -> assertThat(ex.isPermanent()).isTrue())
				.withMessageContaining("invalid_client");
		}
	}

	private OAuth2TokenProvider provider(String clientId, String secret, ClientAuthentication authentication) {
		return OAuth2TokenProvider.builder(uri(), clientId).clientSecret(secret, authentication).build();
	}

	private HttpResponse<String> post(String form, String authorization) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri())
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(form));
		if (authorization != null) {
			request.header("Authorization", authorization);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri() {
		return URI.create("http://localhost:" + this.port + "/oauth/token");
	}

	private static String error(HttpResponse<String> response) {
		return json.readTree(response.body()).get("error").stringValue();
	}

	private static String basic(String clientId, String secret) {
		return "Basic "
				+ Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
	}

}
