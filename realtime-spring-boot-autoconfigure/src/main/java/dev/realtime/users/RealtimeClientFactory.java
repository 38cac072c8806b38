package dev.realtime.users;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.internal.ClientRuntime;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.client.spi.InboundStoreFactory;
import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.client.spi.Transport;
import dev.realtime.outbox.JdbcOutboundQueueFactory;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.receipts.ReceiptStore;

/**
 * Builds every {@link DefaultRealtimeClient} of the application, the one of
 * {@code realtime.user-id} and one per user connected at runtime, the same way: the
 * user's own outbound queue and inbound store from the factories (keyed by user), the
 * shared transport and codec, and the user's read receipts cleared with its inbound store
 * on {@code disconnect(true)}.
 */
public final class RealtimeClientFactory {

	private final Transport transport;

	private final OutboundQueueFactory outboundQueues;

	private final InboundStoreFactory inboundStores;

	private final FrameCodec codec;

	private final ObjectProvider<ReceiptStore> receipts;

	private final ClientRuntime runtime;

	/**
	 * Create the factory.
	 * @param transport the transport every client connects with
	 * @param outboundQueues creates each user's outbound queue
	 * @param inboundStores creates each user's inbound store
	 * @param codec the frame codec
	 * @param receipts the read receipt store, if any, cleared with a user's inbound store
	 * @param runtime the threads every client runs on
	 */
	public RealtimeClientFactory(Transport transport, OutboundQueueFactory outboundQueues,
			InboundStoreFactory inboundStores, FrameCodec codec, ObjectProvider<ReceiptStore> receipts,
			ClientRuntime runtime) {
		this.transport = transport;
		this.outboundQueues = outboundQueues;
		this.inboundStores = inboundStores;
		this.codec = codec;
		this.receipts = receipts;
		this.runtime = runtime;
	}

	/**
	 * Build a client; it does not connect until asked.
	 * @param settings the settings, naming the user
	 * @param tokens supplies the user's token
	 * @return the client
	 */
	public DefaultRealtimeClient create(ClientSettings settings, TokenProvider tokens) {
		InboundStore inbound = this.inboundStores.create(settings.userId());
		ReceiptStore receiptStore = this.receipts.getIfUnique();
		if (receiptStore != null) {
			// disconnect(true) flushes the user's receipts with its inbound events
			inbound = new ReceiptsClearingInboundStore(inbound, receiptStore, settings.userId());
		}
		return new DefaultRealtimeClient(settings, this.transport, tokens,
				this.outboundQueues.create(settings.userId()), inbound, this.codec, Clock.systemUTC(), this.runtime);
	}

	/**
	 * Return whether the outbound queues live in a database all instances share, which
	 * shared users need.
	 * @return whether the outbox is durable
	 */
	public boolean isDurable() {
		return this.outboundQueues instanceof JdbcOutboundQueueFactory;
	}

}
