package dev.realtime.client.spi;

/**
 * The hub answered the handshake with an HTTP error status, for example 401 for a bad or
 * expired token.
 */
public class HandshakeRejectedException extends RuntimeException {

	private final int status;

	public HandshakeRejectedException(int status, Throwable cause) {
		super("Hub refused the handshake with HTTP " + status, cause);
		this.status = status;
	}

	/**
	 * Return the HTTP status of the refusal.
	 * @return the status
	 */
	public int getStatus() {
		return this.status;
	}

}
