package dev.realtime.transport.socketio;

import org.jspecify.annotations.Nullable;

/**
 * An HTTP(S) proxy the transport's HTTP client goes through, with basic authentication
 * when credentials are given.
 *
 * @param host the proxy's host name, or {@code null} for the JVM's proxy settings
 * ({@code http.proxyHost}, {@code https.proxyHost}, {@code http.nonProxyHosts})
 * @param port the proxy's port
 * @param username the user name of the proxy's basic authentication, or {@code null}
 * @param password the password of the proxy's basic authentication, or {@code null}
 */
public record HttpProxy(@Nullable String host, int port, @Nullable String username, @Nullable String password) {

	/** No proxy of the application's own: the JVM's proxy settings apply. */
	public static final HttpProxy JVM_SETTINGS = new HttpProxy(null, 0, null, null);

	@Override
	public String toString() {
		// never the password
		return "HttpProxy[host=" + this.host + ", port=" + this.port + ", username=" + this.username + "]";
	}

}
