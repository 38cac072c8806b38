package dev.realtime.testkit;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses the embedded hub's handshakes a test asked to refuse, with the status it named,
 * and every handshake while the hub is paused (503). Runs in the hub's own context only.
 */
final class HandshakeGate extends OncePerRequestFilter {

	private final HubFaults faults;

	HandshakeGate(HubFaults faults) {
		this.faults = faults;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.faults.paused) {
			response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "hub paused by the test");
			return;
		}
		if (this.faults.refusedHandshakes.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
			response.sendError(this.faults.refusalStatus, "handshake refused by the test");
			return;
		}
		chain.doFilter(request, response);
	}

}
