package dev.realtime.client.spi;

/**
 * Another instance of the application took over the user's lease: this one must stop
 * relaying and receiving for that user. Thrown by a queue's fenced writes.
 */
public class LeaseLostException extends RuntimeException {

	/**
	 * Create an exception.
	 * @param message the explanation
	 */
	public LeaseLostException(String message) {
		super(message);
	}

}
