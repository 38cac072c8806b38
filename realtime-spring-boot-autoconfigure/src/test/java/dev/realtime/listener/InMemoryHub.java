package dev.realtime.listener;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.spi.Transport;

/**
 * A hub in the test's memory, behind the client's {@link Transport} seam: answers
 * {@code resume} with an empty {@code resume_response} and pushes events the test gives
 * it.
 */
final class InMemoryHub implements Transport {

	private volatile @Nullable TransportListener client;

	private volatile boolean resumed;

	@Override
	public CompletableFuture<TransportSession> connect(URI uri, Map<String, String> headers,
			TransportListener listener) {
		this.client = listener;
		return CompletableFuture.completedFuture(new TransportSession() {

			@Override
			public String transport() {
				return "in-memory";
			}

			@Override
			public void send(String text) {
				if (text.contains("\"type\":\"resume\"")) {
					listener.onText("{\"type\":\"resume_response\",\"ack_seq\":0,\"events\":[],\"has_more\":false,"
							+ "\"reset\":false,\"last_seq\":0}");
					InMemoryHub.this.resumed = true;
				}
			}

			@Override
			public void close(int code, String reason) {
			}

		});
	}

	boolean isResumed() {
		return this.resumed;
	}

	/**
	 * Push an event to the client.
	 * @param seq the seq in the user's stream
	 * @param event the event name
	 * @param payload the payload as JSON text
	 */
	void push(long seq, String event, String payload) {
		TransportListener listener = this.client;
		if (listener == null) {
			throw new IllegalStateException("No client connected");
		}
		listener.onText("{\"type\":\"event\",\"seq\":" + seq + ",\"event\":\"" + event + "\",\"payload\":" + payload
				+ ",\"timestamp\":\"2025-11-21T14:48:02Z\"}");
	}

}
