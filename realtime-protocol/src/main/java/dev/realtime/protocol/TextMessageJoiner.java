package dev.realtime.protocol;

import org.jspecify.annotations.Nullable;

/**
 * Joins the parts a WebSocket container delivers a long text message in, up to the frame
 * limit counted in UTF-8 bytes. Hand-written because a container that must receive whole
 * messages gives each connection a receive buffer of its message limit up front (Tomcat:
 * two bytes a character, so 2 MiB a connection at a 1 MiB limit); a container buffer far
 * smaller than the limit that hands over parts, joined here, holds memory only while a
 * long message is under way, and never beyond the limit.
 * <p>
 * A whole message that comes in one part touches no state, so threads may pass whole
 * messages concurrently; the parts of one message come from one thread at a time, as
 * containers deliver them.
 */
public final class TextMessageJoiner {

	private final long maxBytes;

	/** The parts of the message under way, {@code null} between messages. */
	private @Nullable StringBuilder joined;

	/** UTF-8 bytes of the message under way. */
	private long bytes;

	/** Whether the last part ended with the first half of a surrogate pair. */
	private boolean splitSurrogate;

	/** Whether the message under way is too big: its remaining parts are dropped. */
	private boolean dropping;

	/**
	 * Create a joiner.
	 * @param maxBytes the most bytes a message may have, UTF-8 encoded
	 */
	public TextMessageJoiner(long maxBytes) {
		this.maxBytes = maxBytes;
	}

	/**
	 * Add a part of a message.
	 * @param part the part's text
	 * @param last whether it is the message's last part
	 * @return the whole message once its last part came, {@code null} while parts are
	 * missing or when the rest of a message too big is dropped
	 * @throws MessageTooBigException when the message under way goes beyond the limit
	 * (once a message: its remaining parts are dropped)
	 */
	public @Nullable String add(String part, boolean last) {
		if (this.dropping) {
			this.dropping = !last;
			return null;
		}
		if (this.joined == null && last) {
			// a whole message: the common case, no copy (every character is at most three
			// bytes, so a short one is not counted)
			if ((long) part.length() * 3 > this.maxBytes && FrameSizes.utf8Length(part) > this.maxBytes) {
				throw tooBig(FrameSizes.utf8Length(part));
			}
			return part;
		}
		this.bytes += FrameSizes.utf8Length(part);
		if (this.splitSurrogate && !part.isEmpty() && Character.isLowSurrogate(part.charAt(0))) {
			// a pair split between two parts: four bytes, counted as two lone ones
			this.bytes += 2;
		}
		this.splitSurrogate = !part.isEmpty() && Character.isHighSurrogate(part.charAt(part.length() - 1));
		if (this.bytes > this.maxBytes) {
			long counted = this.bytes;
			reset();
			this.dropping = !last;
			throw tooBig(counted);
		}
		StringBuilder message = this.joined;
		if (message == null) {
			message = new StringBuilder(part.length() * 2);
			this.joined = message;
		}
		message.append(part);
		if (!last) {
			return null;
		}
		reset();
		return message.toString();
	}

	private void reset() {
		this.joined = null;
		this.bytes = 0;
		this.splitSurrogate = false;
	}

	private MessageTooBigException tooBig(long counted) {
		return new MessageTooBigException(
				"A text message of at least " + counted + " bytes, above the limit of " + this.maxBytes + " bytes");
	}

	/**
	 * Thrown when a text message goes beyond the frame limit; a WebSocket peer closes the
	 * connection with 1009 (message too big). The message names the sizes only.
	 */
	public static final class MessageTooBigException extends ProtocolException {

		MessageTooBigException(String message) {
			super(message);
		}

	}

}
