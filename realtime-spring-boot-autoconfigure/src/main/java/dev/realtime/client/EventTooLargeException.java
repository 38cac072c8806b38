package dev.realtime.client;

/**
 * An event whose frame would exceed the largest frame the client may send
 * ({@code realtime.max-frame-size}): rejected by {@code sendEvent} before anything is
 * written.
 */
public class EventTooLargeException extends IllegalArgumentException {

	private final long frameBytes;

	private final long maxFrameBytes;

	/**
	 * Create an exception.
	 * @param event the event's name
	 * @param frameBytes the size of its frame, in bytes of UTF-8
	 * @param maxFrameBytes the limit
	 */
	public EventTooLargeException(String event, long frameBytes, long maxFrameBytes) {
		super("Event '" + event + "' would be sent in a frame of " + frameBytes + " bytes, more than the "
				+ maxFrameBytes + " bytes of realtime.max-frame-size; nothing was stored");
		this.frameBytes = frameBytes;
		this.maxFrameBytes = maxFrameBytes;
	}

	public long getFrameBytes() {
		return this.frameBytes;
	}

	public long getMaxFrameBytes() {
		return this.maxFrameBytes;
	}

}
