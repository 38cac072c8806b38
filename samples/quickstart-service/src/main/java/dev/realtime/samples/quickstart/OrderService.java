package dev.realtime.samples.quickstart;

import java.util.Map;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.RealtimeClient;
import dev.realtime.listener.RealtimeListener;

/**
 * Step 4 of the README's quick start, as it is written there.
 */
@Service
class OrderService {

	private final OrderRepository orders;

	private final RealtimeClient realtime;

	OrderService(OrderRepository orders, RealtimeClient realtime) {
		this.orders = orders;
		this.realtime = realtime;
	}

	@Transactional
	void ship(Order order) {
		orders.save(order.shipped());
		// in the outbox, in this transaction: sent only if it commits, never lost after
		realtime.sendEvent("order.shipped", Map.of("orderId", order.id(), "room", "orders"));
	}

	// every event the hub delivers to alice, once and in order
	@RealtimeListener(events = "order.*")
	void onOrder(InboundMessage message) {
		System.out.println("Received " + message.event() + " " + message.payload());
	}

}
