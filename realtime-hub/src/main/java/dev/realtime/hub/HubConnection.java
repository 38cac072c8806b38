package dev.realtime.hub;

import java.io.IOException;

/**
 * One client connection as the hub's logic sees it, whatever transport carries it: a
 * WebSocket session or a Socket.IO socket.
 */
interface HubConnection {

	/**
	 * Return an id of the connection, unique while it is open.
	 * @return the id
	 */
	String id();

	/**
	 * Return whether the connection is still open.
	 * @return whether it is open
	 */
	boolean isOpen();

	/**
	 * Send one protocol message. Safe to call from several threads; messages go out in
	 * the order of the calls.
	 * @param text the message
	 * @throws IOException if the connection is broken or the peer stopped reading
	 */
	void sendText(String text) throws IOException;

	/**
	 * Close the connection with a close code the client sees.
	 * @param code the close code, for example 4001
	 * @param reason the close reason, at most 60 characters
	 */
	void close(int code, String reason);

}
