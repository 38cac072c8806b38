package dev.realtime.client.internal;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.ConnectionState;

/**
 * What the client reports of its connection, read from any thread: the state, the last
 * error and the transport. Written by the supervisor on the loop, and the last error also
 * by the inbound side when the store fails, which therefore needs no supervisor.
 */
final class ConnectionStatus {

	private volatile ConnectionState state = ConnectionState.DISCONNECTED;

	private volatile @Nullable String lastError;

	/** The transport of the current or last connection, once one opened. */
	private volatile @Nullable String transport;

	ConnectionState state() {
		return this.state;
	}

	void state(ConnectionState state) {
		this.state = state;
	}

	/**
	 * Return why the client failed or last lost its connection, if it did. Never contains
	 * a token.
	 * @return the error description, or {@code null}
	 */
	@Nullable String lastError() {
		return this.lastError;
	}

	/**
	 * Record a failure, or clear it once connected again.
	 * @param error the description reported as the last error, or {@code null}
	 */
	void error(@Nullable String error) {
		this.lastError = error;
	}

	@Nullable String transport() {
		return this.transport;
	}

	void transport(String transport) {
		this.transport = transport;
	}

}
