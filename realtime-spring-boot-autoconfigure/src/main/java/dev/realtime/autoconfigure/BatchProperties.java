package dev.realtime.autoconfigure;

/**
 * Outbound batching settings ({@code realtime.batch.*}).
 */
public class BatchProperties {

	/**
	 * Most events sent together in one frame (a JSON array, acked cumulatively); 1 sends
	 * each event in its own frame. Batches are adaptive: an event on an idle connection
	 * goes out at once, events that queue up while the connection is busy share frames,
	 * and no frame exceeds realtime.max-frame-size.
	 */
	private int size = 100;

	public int getSize() {
		return this.size;
	}

	public void setSize(int size) {
		this.size = size;
	}

}
