package dev.realtime.autoconfigure;

/**
 * Inbound store settings ({@code realtime.inbox.*}).
 */
public class InboxProperties {

	/**
	 * Times listeners are called for an inbound event that keeps failing before it is
	 * parked as failed.
	 */
	private int maxAttempts = 3;

	/**
	 * Whether listeners run inside the transaction that removes the event from the inbox
	 * in the application's database, so their own writes to the same database commit
	 * together with it (processing effectively once) and a failing listener rolls both
	 * back.
	 */
	private boolean transactional;

	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	public boolean isTransactional() {
		return this.transactional;
	}

	public void setTransactional(boolean transactional) {
		this.transactional = transactional;
	}

}
