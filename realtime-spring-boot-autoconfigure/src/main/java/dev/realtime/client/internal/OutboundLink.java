package dev.realtime.client.internal;

import java.util.List;

/**
 * The relay's one port to the connection: where the frames of claimed events go, and whom
 * it tells that this instance took or lost the user's lease. Called on the relay's
 * strand; the implementation hands both to the client's event loop.
 */
interface OutboundLink {

	/** Before {@link OutboundRelay#start(OutboundLink)}: nowhere to send. */
	OutboundLink NONE = new OutboundLink() {

		@Override
		public void send(int connection, List<String> frames, int events, long lastSeq) {
		}

		@Override
		public void leadershipChanged(boolean leading, String reason) {
		}

	};

	/**
	 * Send frames on the connection with this number, unless it is gone by then (the
	 * events are resent on the next connection).
	 * @param connection the number of the connection to send on
	 * @param frames the encoded frames
	 * @param events how many events the frames carry
	 * @param lastSeq the highest seq in the frames
	 */
	void send(int connection, List<String> frames, int events, long lastSeq);

	/**
	 * This instance took the user's lease ({@code true}) or lost or could not take it.
	 * @param leading whether this instance holds the lease now
	 * @param reason what happened, for the log and the client's state
	 */
	void leadershipChanged(boolean leading, String reason);

}
