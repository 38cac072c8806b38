package dev.realtime.client.internal;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Hands the hub's acks and rejections of outbound events to the relay, never for more
 * than was sent: a frame claiming what could not have happened completes nothing and is
 * counted as invalid. Confined to the client's event loop.
 */
final class HubAcks {

	private static final Log logger = LogFactory.getLog(HubAcks.class);

	/**
	 * The highest seq the protocol allows: 2^53 - 1, the largest integer every JSON
	 * parser keeps exactly.
	 */
	static final long MAX_SEQ = (1L << 53) - 1;

	private final OutboundRelay relay;

	private final ClientCounters counters;

	HubAcks(OutboundRelay relay, ClientCounters counters) {
		this.relay = relay;
		this.counters = counters;
	}

	/**
	 * The hub acked outbound events. A live ack of more than was sent claims what never
	 * happened and completes nothing: an invalid frame. A resume's {@code ack_seq} above
	 * what was sent is settled by the relay before anything is sent: a restored store
	 * gives its unacked events new seqs, a lost record of what was sent resends them.
	 * @param connection the connection the ack arrived on
	 * @param ackSeq the highest seq the hub acked
	 * @param resume whether the ack came with a {@code resume_response}
	 */
	void acked(Connection connection, long ackSeq, boolean resume) {
		long bound = sentBound(connection);
		if (ackSeq <= bound) {
			this.relay.acked(ackSeq);
		}
		else if (ackSeq > MAX_SEQ) {
			invalid(connection, "Hub " + (resume ? "resumed with ack_seq " : "acked seq ") + ackSeq
					+ ", above the protocol's highest seq " + MAX_SEQ + "; completing nothing");
		}
		else if (resume) {
			this.relay.resumedBeyondSent(ackSeq, bound);
		}
		else {
			invalid(connection, "Hub acked seq " + ackSeq + ", beyond the highest seq this client sent (" + bound
					+ "); completing nothing");
		}
	}

	/**
	 * The hub rejected an outbound event for good; a rejection of a seq never sent is an
	 * invalid frame and is ignored.
	 * @param connection the connection the rejection arrived on
	 * @param seq the seq of the rejected event
	 * @param code the hub's error code
	 * @param message the hub's error message
	 */
	void rejected(Connection connection, long seq, String code, String message) {
		long bound = sentBound(connection);
		if (seq > bound) {
			invalid(connection, "Hub rejected outbound seq " + seq + ", which this client never sent (highest " + bound
					+ "); ignored");
			return;
		}
		logger.warn("Hub rejected outbound event seq " + seq + " (" + code + "): " + message);
		this.relay.rejected(seq, code, message);
	}

	/**
	 * Count an ack or a rejection of what was never sent; the first on a connection is
	 * logged, and the supervisor closes the connection after
	 * {@link Connection#MAX_FALSE_CLAIMS}.
	 * @param connection the connection the frame arrived on
	 * @param problem what the frame claimed, for the log
	 */
	private void invalid(Connection connection, String problem) {
		this.counters.invalidFrames.incrementAndGet();
		if (connection.falseClaim() == 1) {
			logger.warn(problem + " (counted as an invalid frame; the connection is closed with 1002 after "
					+ Connection.MAX_FALSE_CLAIMS + " such frames)");
		}
	}

	private long sentBound(Connection connection) {
		return Math.max(connection.highestSent(), this.relay.highestSeq());
	}

}
