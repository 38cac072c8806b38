package dev.realtime.client;

/**
 * Stores that live as long as the process: used when the application has no database.
 * Outbound events survive reconnects, not restarts.
 */
public final class InMemoryStoreFactory implements StoreFactory {

	private final long maxOutboundSize;

	/**
	 * Create a factory.
	 * @param maxOutboundSize how many events an outbound queue may hold
	 */
	public InMemoryStoreFactory(long maxOutboundSize) {
		this.maxOutboundSize = maxOutboundSize;
	}

	@Override
	public OutboundQueue outbound(String userId) {
		return new InMemoryOutboundQueue(this.maxOutboundSize);
	}

	@Override
	public InboundStore inbound(String userId) {
		return new InMemoryInboundStore();
	}

}
