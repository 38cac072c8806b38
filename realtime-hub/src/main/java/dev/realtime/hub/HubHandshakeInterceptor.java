package dev.realtime.hub;

import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Checks the WebSocket handshake before the upgrade ({@link HubHandshake}) and refuses it
 * with the HTTP status the check names; an accepted one leaves its user and client in the
 * session's attributes.
 */
final class HubHandshakeInterceptor implements HandshakeInterceptor {

	/** Session attribute holding the handshake's {@link HubHandshake.Accepted}. */
	static final String ACCEPTED = HubHandshake.Accepted.class.getName();

	private static final Log logger = LogFactory.getLog(HubHandshakeInterceptor.class);

	private final HubHandshake handshake;

	HubHandshakeInterceptor(HubHandshake handshake) {
		this.handshake = handshake;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) {
		HubHandshake.Outcome outcome = this.handshake.verify(
				UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams(),
				request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION), null);
		if (outcome instanceof HubHandshake.Refused refused) {
			logger.debug("Refused WebSocket handshake with " + refused.status().value() + ": " + refused.reason());
			response.setStatusCode(refused.status());
			return false;
		}
		attributes.put(ACCEPTED, outcome);
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			@Nullable Exception exception) {
	}

}
