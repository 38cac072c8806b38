package dev.realtime.autoconfigure;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * HTTP transport settings: the hub's SockJS endpoint, and how often a client that fell
 * back to HTTP tries WebSocket again.
 */
public class HttpProperties {

	/**
	 * SockJS endpoint of the hub, for example http://localhost:8080/realtime-sockjs. By
	 * default derived from realtime.url: http(s) for ws(s) and '-sockjs' appended to the
	 * path.
	 */
	private @Nullable URI url;

	/**
	 * Delay after falling back to HTTP before WebSocket is probed again; it doubles after
	 * each failed probe.
	 */
	private Duration probeDelay = Duration.ofSeconds(30);

	/**
	 * Longest delay between two WebSocket probes while on HTTP.
	 */
	private Duration probeMaxDelay = Duration.ofMinutes(10);

	public @Nullable URI getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable URI url) {
		this.url = url;
	}

	public Duration getProbeDelay() {
		return this.probeDelay;
	}

	public void setProbeDelay(Duration probeDelay) {
		this.probeDelay = probeDelay;
	}

	public Duration getProbeMaxDelay() {
		return this.probeMaxDelay;
	}

	public void setProbeMaxDelay(Duration probeMaxDelay) {
		this.probeMaxDelay = probeMaxDelay;
	}

}
