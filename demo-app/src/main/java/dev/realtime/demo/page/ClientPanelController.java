package dev.realtime.demo.page;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.realtime.autoconfigure.ConditionalOnRealtimeEnabled;
import dev.realtime.client.ClientMetrics;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ObservableClient;
import dev.realtime.hub.Hub;
import dev.realtime.metrics.RealtimeMeters;
import dev.realtime.protocol.CloseCodes;

/**
 * The demo's own client as the page's live panel shows it, and the panel's buttons: cut
 * the connection at the hub (the client reconnects with backoff and resumes), disconnect,
 * connect.
 */
@RestController
@ConditionalOnRealtimeEnabled
@RequestMapping("/api/client")
class ClientPanelController {

	private final ObservableClient client;

	private final ObjectProvider<Hub> hub;

	private final MeterRegistry meters;

	ClientPanelController(ObservableClient client, ObjectProvider<Hub> hub, MeterRegistry meters) {
		this.client = client;
		this.hub = hub;
		this.meters = meters;
	}

	@GetMapping
	ClientPanel panel() {
		return new ClientPanel(this.client.userId(), this.client.clientId(), this.client.connectionState(),
				this.client.lastError(), this.client.metrics(), ackLatency());
	}

	/**
	 * Make the hub close the client's sessions as a server going away does (1001), so the
	 * client reconnects on its own; only when the hub runs in this process.
	 * @return how many sessions were closed, or 409 when the hub runs elsewhere
	 */
	@PostMapping("/cut")
	ResponseEntity<Map<String, Object>> cut() {
		Hub hub = this.hub.getIfAvailable();
		if (hub == null) {
			return ResponseEntity.status(HttpStatus.CONFLICT)
				.body(Map.of("error", "The hub does not run in this process"));
		}
		int closed = hub.closeSessions(this.client.userId(), CloseCodes.GOING_AWAY, "cut from the demo page");
		return ResponseEntity.ok(Map.of("closed", closed));
	}

	@PostMapping("/disconnect")
	ResponseEntity<Void> disconnect() {
		this.client.disconnect();
		return ResponseEntity.accepted().build();
	}

	@PostMapping("/connect")
	ResponseEntity<Void> connect() {
		this.client.connect();
		return ResponseEntity.accepted().build();
	}

	private @Nullable AckLatency ackLatency() {
		Timer timer = this.meters.find(RealtimeMeters.ACK_LATENCY.getName())
			.tag(RealtimeMeters.USER_TAG, this.client.userId())
			.timer();
		if (timer == null) {
			return null;
		}
		Double p99 = null;
		// present when management.metrics.distribution.percentiles asks for it
		for (ValueAtPercentile value : timer.takeSnapshot().percentileValues()) {
			if (value.percentile() == 0.99) {
				p99 = value.value(TimeUnit.MILLISECONDS);
			}
		}
		return new AckLatency(timer.count(), timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS), p99);
	}

	/**
	 * What the live panel shows.
	 *
	 * @param userId the client's user
	 * @param clientId the client's outbound stream
	 * @param state the connection state
	 * @param lastError why the client last lost or failed its connection, if it did
	 * @param metrics the client's counters and queue sizes
	 * @param ackLatency time from send to ack, {@code null} without the meter
	 */
	record ClientPanel(String userId, String clientId, ConnectionState state, @Nullable String lastError,
			ClientMetrics metrics, @Nullable AckLatency ackLatency) {
	}

	/**
	 * The {@code realtime.ack.latency} timer in milliseconds.
	 *
	 * @param count acks measured
	 * @param mean mean latency
	 * @param max maximum latency in the timer's recent window
	 * @param p99 99th percentile, {@code null} unless configured
	 */
	record AckLatency(long count, double mean, double max, @Nullable Double p99) {
	}

}
