package dev.realtime.transport;

import java.net.URI;

import javax.net.ssl.SSLException;

import org.jspecify.annotations.Nullable;

/**
 * What a connect whose TLS handshake failed completes with, on every transport: the
 * server, the JDK's reason and the property that fixes an untrusted certificate.
 */
public final class TlsHandshakeFailure {

	private TlsHandshakeFailure() {
	}

	/**
	 * Return the failure of a connect if a TLS handshake caused it.
	 * @param server the server
	 * @param failure what the connect failed with
	 * @return the failure naming {@code realtime.ssl.bundle}, or {@code null} if no
	 * {@link SSLException} caused it
	 */
	public static @Nullable IllegalStateException find(URI server, Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SSLException handshake) {
				return of(server, handshake, failure);
			}
		}
		return null;
	}

	/**
	 * Return the failure of a connect that a TLS handshake caused.
	 * @param server the server
	 * @param handshake what the handshake failed with
	 * @param failure what the connect failed with
	 * @return the failure naming {@code realtime.ssl.bundle}
	 */
	public static IllegalStateException of(URI server, SSLException handshake, Throwable failure) {
		return new IllegalStateException("TLS handshake with " + server.getHost() + ":" + server.getPort() + " failed ("
				+ handshake.getMessage() + "). The server's certificate must be trusted and name "
				+ "that host; to trust a private CA or present a client certificate, configure a Spring "
				+ "Boot SSL bundle (spring.ssl.bundle.*) and name it in realtime.ssl.bundle", failure);
	}

}
