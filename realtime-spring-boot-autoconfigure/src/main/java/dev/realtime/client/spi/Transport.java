package dev.realtime.client.spi;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import dev.realtime.protocol.CloseCodes;

/**
 * Opens connections to the hub. The WebSocket transport is the default; fallback
 * transports implement the same contract.
 */
public interface Transport {

	/**
	 * Close code a transport reports to its {@link TransportListener}, never sent on the
	 * wire, when it ends a working connection itself so that the client reconnects at
	 * once instead of after a backoff delay: for example to move to a better transport.
	 * The client resumes as after any reconnect.
	 */
	int RECONNECT_AT_ONCE = 4900;

	/**
	 * Return a close code that came from the hub as a transport reports it to its
	 * listener: {@link #RECONNECT_AT_ONCE} is the transports' own, so a hub that sends it
	 * is reported as 1002 (protocol error) and cannot make the client skip its backoff.
	 * @param code the code the hub sent
	 * @return the code to report
	 */
	static int fromHub(int code) {
		return (code == RECONNECT_AT_ONCE) ? CloseCodes.WEBSOCKET_PROTOCOL_ERROR : code;
	}

	/**
	 * Open a connection.
	 * @param uri the endpoint, with the protocol's query parameters
	 * @param headers handshake headers, for example {@code Authorization}
	 * @param listener receives what arrives on the connection
	 * @return completed with the open session, or exceptionally; a handshake refused with
	 * an HTTP status completes with {@link HandshakeRejectedException}
	 */
	CompletableFuture<TransportSession> connect(URI uri, Map<String, String> headers, TransportListener listener);

	/**
	 * Return why a connect failed, without the wrappers futures add around it.
	 * @param failure what a connect future completed with
	 * @return the first cause that is neither a {@link CompletionException} nor an
	 * {@link ExecutionException}
	 */
	static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * Receives what happens on one connection. Called from the transport's own threads.
	 */
	interface TransportListener {

		/**
		 * A text message arrived.
		 * @param text the message
		 */
		void onText(String text);

		/**
		 * The connection closed, by either side or because it broke.
		 * @param code the close code
		 * @param reason the close reason, possibly empty
		 */
		void onClosed(int code, String reason);

	}

	/**
	 * One open connection. {@link #send} may be called from any thread.
	 */
	interface TransportSession {

		/**
		 * Name the transport carrying this connection, as health, the actuator endpoint,
		 * metrics and logs show it.
		 * @return for example {@code websocket}, {@code socketio} or {@code http}
		 */
		String transport();

		/**
		 * Send a text message after those sent before it. Called on the client's event
		 * loop, which many clients share: it must not wait for a peer that stops reading
		 * (queue the message and write it asynchronously), and should fail once too much
		 * waits to be written.
		 * @param text the message
		 * @throws java.io.IOException if the connection is broken, or the peer does not
		 * read what was sent
		 */
		void send(String text) throws java.io.IOException;

		/**
		 * Send a message that may be dropped (an at-most-once event) after those sent
		 * before it, unless more than the transport's bound waits to be written: then it
		 * is dropped and the connection stays up. By default sent as {@link #send}.
		 * @param text the message
		 * @return whether it was queued; {@code false} if it was dropped
		 * @throws java.io.IOException if the connection is broken, or the peer does not
		 * read what was sent
		 */
		default boolean offer(String text) throws java.io.IOException {
			send(text);
			return true;
		}

		/**
		 * Close the connection. Never blocks on a peer that does not answer.
		 * @param code the close code
		 * @param reason the close reason
		 */
		void close(int code, String reason);

	}

}
