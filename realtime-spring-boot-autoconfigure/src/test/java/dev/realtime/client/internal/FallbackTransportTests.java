package dev.realtime.client.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;
import dev.realtime.client.spi.Transport.TransportSession;
import dev.realtime.transport.http.FallbackTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FallbackTransport} at its default probe delays (30 s doubling up to 10
 * min, 20% jitter): the test plays both transports and runs each probe when it chooses,
 * reading the delay the transport asked for.
 */
class FallbackTransportTests {

	private static final URI HUB = URI.create("ws://hub/realtime?client_id=c&user_id=alice&protocol=1");

	private final ScriptedTransport webSocket = new ScriptedTransport();

	private final ScriptedTransport http = new ScriptedTransport();

	private final ProbeScheduler probes = new ProbeScheduler();

	private final Recorder client = new Recorder();

	private final FallbackTransport transport = new FallbackTransport(this.webSocket, "websocket", this.http, "http",
			Duration.ofSeconds(5), new ExponentialBackoff(Duration.ofSeconds(30), Duration.ofMinutes(10), 0.2),
			this.probes);

	@AfterEach
	void shutdown() {
		this.probes.shutdownNow();
	}

	@Test
	void fallsBackWhenTheUpgradeIsRefusedProbesWithBackoffAndMovesBackAtOnce() throws Exception {
		CompletableFuture<TransportSession> connect = this.transport.connect(HUB, Map.of(), this.client);
		this.webSocket.nextAttempt().result.completeExceptionally(new IOException("CONNECT refused with HTTP 403"));
		ScriptedTransport.Attempt overHttp = this.http.nextAttempt().open();
		assertThat(connect.get(5, TimeUnit.SECONDS).transport()).isEqualTo("scripted");
		assertThat(this.probes.delays).singleElement()
			.satisfies((delay) -> assertThat(delay).isBetween(24_000L, 36_000L));

		// a probe that fails: the next one waits twice as long
		this.probes.runLast();
		this.webSocket.nextAttempt().result.completeExceptionally(new IOException("still refused"));
		await().until(() -> this.probes.delays.size() == 2);
		assertThat(this.probes.delays.get(1)).isBetween(48_000L, 72_000L);
		// the client's connection over HTTP is untouched meanwhile
		assertThat(this.client.closes).isEmpty();
		assertThat(overHttp.closedWith).isZero();

		// a probe that succeeds is closed at once, and the HTTP session is ended so that
		// the client reconnects at once
		this.probes.runLast();
		ScriptedTransport.Attempt probe = this.webSocket.nextAttempt().open();
		await().until(() -> this.client.closes.contains(Transport.RECONNECT_AT_ONCE));
		assertThat(probe.closedWith).isEqualTo(1000);
		assertThat(overHttp.closedWith).isEqualTo(1000);

		// the client's reconnect goes to WebSocket
		CompletableFuture<TransportSession> back = this.transport.connect(HUB, Map.of(), this.client);
		this.webSocket.nextAttempt().open();
		assertThat(back.get(5, TimeUnit.SECONDS)).isNotNull();
		assertThat(this.http.hasPendingAttempt()).isFalse();
	}

	@Test
	void reconnectsWhileOnHttpGoStraightToHttpUntilTheProbeIsDue() throws Exception {
		this.transport.connect(HUB, Map.of(), this.client);
		this.webSocket.nextAttempt().result.completeExceptionally(new IOException("refused"));
		this.http.nextAttempt().open().hubCloses(1001, "hub restart");
		assertThat(this.client.closes).containsExactly(1001);

		CompletableFuture<TransportSession> again = this.transport.connect(HUB, Map.of(), this.client);
		this.http.nextAttempt().open();
		assertThat(again.get(5, TimeUnit.SECONDS)).isNotNull();
		assertThat(this.webSocket.hasPendingAttempt()).isFalse();
	}

	@Test
	void aRefusedTokenIsReportedAsItIsWithoutFallingBack() throws Exception {
		CompletableFuture<TransportSession> connect = this.transport.connect(HUB, Map.of(), this.client);
		this.webSocket.nextAttempt().refuse(401);
		assertThatThrownBy(() -> connect.get(5, TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(HandshakeRejectedException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(401));
		assertThat(this.http.hasPendingAttempt()).isFalse();
	}

	@Test
	void aWebSocketSessionOpeningAfterItsTimeoutIsClosedAndNeverHeardOf() throws Exception {
		FallbackTransport impatient = new FallbackTransport(this.webSocket, "websocket", this.http, "http",
				Duration.ofMillis(50), new ExponentialBackoff(Duration.ofSeconds(30), Duration.ofMinutes(10), 0.2),
				this.probes);
		CompletableFuture<TransportSession> connect = impatient.connect(HUB, Map.of(), this.client);
		ScriptedTransport.Attempt slow = this.webSocket.nextAttempt();
		this.http.nextAttempt().open();
		assertThat(connect.get(5, TimeUnit.SECONDS)).isNotNull();
		slow.open();
		assertThat(slow.closedWith).isEqualTo(1000);
		slow.hubCloses(1000, "closed");
		assertThat(this.client.closes).isEmpty();
	}

	/**
	 * Records the delay of each scheduled probe and runs a probe only when the test says
	 * so.
	 */
	static final class ProbeScheduler extends ScheduledThreadPoolExecutor {

		final List<Long> delays = new CopyOnWriteArrayList<>();

		private final List<Runnable> tasks = new CopyOnWriteArrayList<>();

		ProbeScheduler() {
			super(1);
		}

		@Override
		public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
			this.delays.add(unit.toMillis(delay));
			this.tasks.add(command);
			return super.schedule(() -> {
			}, 1, TimeUnit.DAYS);
		}

		void runLast() {
			this.tasks.get(this.tasks.size() - 1).run();
		}

	}

	/**
	 * What the client's listener heard.
	 */
	static final class Recorder implements Transport.TransportListener {

		final List<Integer> closes = new CopyOnWriteArrayList<>();

		@Override
		public void onText(String text) {
		}

		@Override
		public void onClosed(int code, String reason) {
			this.closes.add(code);
		}

	}

}
