package dev.realtime.autoconfigure;

/**
 * The durable stores cannot be set up as configured: no {@code DataSource} though
 * {@code realtime.outbox.store=jdbc}, or several and none primary. Rather than fall back
 * to memory, which loses pending events on restart, the application does not start;
 * {@link RealtimeStoreFailureAnalyzer} names the fix.
 */
class RealtimeStoreUnavailableException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String action;

	RealtimeStoreUnavailableException(String description, String action) {
		super(description);
		this.action = action;
	}

	String action() {
		return this.action;
	}

}
