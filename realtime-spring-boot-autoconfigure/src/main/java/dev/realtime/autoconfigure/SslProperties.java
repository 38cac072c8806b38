package dev.realtime.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * TLS settings of {@code wss://} connections. The hub's certificate and host name are
 * always verified; without a bundle, against the JVM's trust store.
 */
public class SslProperties {

	/**
	 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) holding the trust store
	 * for the hub's certificate and, for mutual TLS, the client's key store.
	 */
	private @Nullable String bundle;

	public @Nullable String getBundle() {
		return this.bundle;
	}

	public void setBundle(@Nullable String bundle) {
		this.bundle = bundle;
	}

}
