package dev.realtime.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * HTTP(S) proxy for every transport. Without a host, the JVM's proxy settings
 * ({@code https.proxyHost}, {@code http.proxyHost}, {@code http.nonProxyHosts}) apply.
 */
public class ProxyProperties {

	/**
	 * Host name of the proxy.
	 */
	private @Nullable String host;

	/**
	 * Port of the proxy.
	 */
	private int port = 3128;

	/**
	 * User name for the proxy's authentication (Basic, or Digest on the WebSocket and
	 * HTTP transports).
	 */
	private @Nullable String username;

	/**
	 * Password for the proxy's authentication.
	 */
	private @Nullable String password;

	public @Nullable String getHost() {
		return this.host;
	}

	public void setHost(@Nullable String host) {
		this.host = host;
	}

	public int getPort() {
		return this.port;
	}

	public void setPort(int port) {
		this.port = port;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

}
