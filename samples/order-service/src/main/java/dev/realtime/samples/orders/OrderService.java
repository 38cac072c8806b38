package dev.realtime.samples.orders;

import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendOptions;

/**
 * Ships orders: the status change and the {@code order.shipped} event commit together
 * (the event is written to the outbox in the same transaction).
 */
@Service
public class OrderService {

	private final JdbcClient jdbc;

	private final RealtimeClient realtime;

	public OrderService(JdbcClient jdbc, RealtimeClient realtime) {
		this.jdbc = jdbc;
		this.realtime = realtime;
	}

	/**
	 * Create an order.
	 * @param orderId the order's id
	 */
	@Transactional
	public void place(String orderId) {
		this.jdbc.sql("INSERT INTO orders (id, status) VALUES (?, 'PLACED')").param(orderId).update();
	}

	/**
	 * Ship an order and tell the hub, once.
	 * @param orderId the order's id
	 */
	@Transactional
	public void ship(String orderId) {
		int updated = this.jdbc.sql("UPDATE orders SET status = 'SHIPPED' WHERE id = ? AND status = 'PLACED'")
			.param(orderId)
			.update();
		if (updated == 0) {
			throw new IllegalStateException("Order '" + orderId + "' is not placed");
		}
		// the order id names the event: shipping it twice could never send it twice
		this.realtime.sendEvent("order.shipped", Map.of("orderId", orderId),
				SendOptions.defaults().idempotencyKey("order-shipped-" + orderId));
	}

	/**
	 * Return an order's status.
	 * @param orderId the order's id
	 * @return the status
	 */
	public String status(String orderId) {
		return this.jdbc.sql("SELECT status FROM orders WHERE id = ?").param(orderId).query(String.class).single();
	}

}
