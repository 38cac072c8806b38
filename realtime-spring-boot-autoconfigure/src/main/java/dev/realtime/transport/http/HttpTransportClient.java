package dev.realtime.transport.http;

import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.apache.hc.client5.http.auth.AuthScope;
import org.apache.hc.client5.http.auth.CredentialsProvider;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.auth.CredentialsProviderBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;

import dev.realtime.transport.TransportProxy;

/**
 * The HTTP client of the {@link HttpTransport}: Apache HttpClient 5 (classic, HTTP/1.1).
 * Not the JDK's {@code HttpClient}, which cannot authenticate to a proxy with basic
 * credentials on the {@code CONNECT} of an {@code https://} tunnel: it drops a
 * {@code Proxy-Authorization} header set on the request there, and refuses Basic for
 * tunnels in an {@code Authenticator} unless the JVM-wide
 * {@code jdk.http.auth.tunneling.disabledSchemes} is changed, which a library must not
 * do. HttpClient answers the proxy's 407 challenge (Basic or Digest) on the tunnel and on
 * requests it forwards alike.
 * <p>
 * Built here rather than with Spring Boot's {@code ClientHttpRequestFactoryBuilder}: that
 * lives in {@code spring-boot-http-client}, an optional dependency of this module, and
 * takes an SSL bundle where the transports share one {@link SSLContext}.
 */
final class HttpTransportClient {

	private HttpTransportClient() {
	}

	/**
	 * Build the request factory of one transport.
	 * @param connectTimeout how long opening a TCP connection and its TLS handshake may
	 * take each
	 * @param sslContext the trust store (and client certificate, if any) for
	 * {@code https}, or {@code null} for the JVM's defaults
	 * @param proxy the HTTP proxy and its credentials, or the JVM's proxy settings
	 * @return the factory
	 */
	static ClientHttpRequestFactory requestFactory(Duration connectTimeout, @Nullable SSLContext sslContext,
			TransportProxy proxy) {
		Timeout timeout = Timeout.of(connectTimeout);
		PoolingHttpClientConnectionManagerBuilder connections = PoolingHttpClientConnectionManagerBuilder.create()
			.setTlsSocketStrategy((sslContext != null) ? new DefaultClientTlsStrategy(sslContext)
					: DefaultClientTlsStrategy.createSystemDefault())
			// a pooled connection the network or the hub dropped while idle is replaced
			// before use, as the JDK's client notices at once: a SockJS request on it
			// would fail the connect
			.setDefaultConnectionConfig(ConnectionConfig.custom()
				.setConnectTimeout(timeout)
				.setValidateAfterInactivity(TimeValue.ofMilliseconds(1))
				.build())
			.setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(timeout).build())
			// every session holds a receive request open, and one transport serves all
			// the application's users: no pool limit to wait on (the JDK's client had
			// none either)
			.setMaxConnTotal(Integer.MAX_VALUE)
			.setMaxConnPerRoute(Integer.MAX_VALUE);
		CloseableHttpClient client = HttpClients.custom()
			.setConnectionManager(connections.build())
			.setProxySelector(proxy.selector())
			.setDefaultCredentialsProvider(proxyCredentials(proxy))
			// the hub is never offered the proxy's credentials: its token goes in the
			// Authorization header, and its 401 or 403 is the answer to the connect
			.setTargetAuthenticationStrategy((challengeType, challenges, context) -> List.of())
			// retries: the default's, idempotent requests only (the SockJS info request,
			// not a send); as the JDK's client did: SockJS needs no redirects, cookies
			// would be shared by all users, and decompression would hold back streamed
			// frames
			.disableRedirectHandling()
			.disableCookieManagement()
			.disableContentCompression()
			.build();
		return new HttpComponentsClientHttpRequestFactory(client);
	}

	/**
	 * Return the proxy's credentials, for any proxy the route takes (the configured one,
	 * or the one the JVM's selector picks).
	 * @param proxy the proxy
	 * @return the credentials, none without a user name
	 */
	private static CredentialsProvider proxyCredentials(TransportProxy proxy) {
		CredentialsProviderBuilder credentials = CredentialsProviderBuilder.create();
		String username = proxy.username();
		String password = proxy.password();
		if (username != null && password != null) {
			credentials.add(new AuthScope(null, -1), username, password.toCharArray());
		}
		return credentials.build();
	}

}
