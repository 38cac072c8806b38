package dev.realtime.hub.actuate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.realtime.hub.HubNode;

/**
 * The hub node's gauges: {@code realtime.hub.connections} (open connections of every
 * transport) and {@code realtime.hub.users} (users with at least one).
 */
public class HubNodeMeterBinder implements MeterBinder {

	private final HubNode node;

	/**
	 * Create the binder.
	 * @param node the node the gauges read
	 */
	public HubNodeMeterBinder(HubNode node) {
		this.node = node;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("realtime.hub.connections", this.node, HubNode::openSessions)
			.description("Open connections of this hub node, WebSocket, SockJS and Socket.IO")
			.baseUnit("connections")
			.register(registry);
		Gauge.builder("realtime.hub.users", this.node, HubNode::connectedUsers)
			.description("Users with at least one open connection to this hub node")
			.baseUnit("users")
			.register(registry);
	}

}
