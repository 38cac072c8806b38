package dev.realtime.client.internal;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;

/**
 * An in-process transport driven by the test: every connection attempt waits until the
 * test opens, refuses or fails it, and the test plays the hub's side of each open
 * connection.
 */
final class ScriptedTransport implements Transport {

	private final BlockingQueue<Attempt> attempts = new LinkedBlockingQueue<>();

	@Override
	public CompletableFuture<TransportSession> connect(URI uri, Map<String, String> headers,
			TransportListener listener) {
		Attempt attempt = new Attempt(uri, headers, listener);
		this.attempts.add(attempt);
		return attempt.result;
	}

	/**
	 * Wait for the client's next connection attempt.
	 */
	Attempt nextAttempt() throws InterruptedException {
		Attempt attempt = this.attempts.poll(5, TimeUnit.SECONDS);
		if (attempt == null) {
			throw new AssertionError("The client made no connection attempt within 5s");
		}
		return attempt;
	}

	boolean hasPendingAttempt() {
		return !this.attempts.isEmpty();
	}

	static final class Attempt {

		final URI uri;

		final Map<String, String> headers;

		final TransportListener listener;

		final CompletableFuture<TransportSession> result = new CompletableFuture<>();

		final List<String> sent = new CopyOnWriteArrayList<>();

		volatile int closedWith;

		Attempt(URI uri, Map<String, String> headers, TransportListener listener) {
			this.uri = uri;
			this.headers = headers;
			this.listener = listener;
		}

		Attempt open() {
			this.result.complete(new TransportSession() {

				@Override
				public String transport() {
					return "scripted";
				}

				@Override
				public void send(String text) {
					Attempt.this.sent.add(text);
				}

				@Override
				public void close(int code, String reason) {
					Attempt.this.closedWith = code;
				}

			});
			return this;
		}

		void refuse(int status) {
			this.result.completeExceptionally(new HandshakeRejectedException(status, new RuntimeException()));
		}

		void hubSends(String text) {
			this.listener.onText(text);
		}

		void hubCloses(int code, String reason) {
			this.listener.onClosed(code, reason);
		}

	}

}
