package dev.realtime.samples.orders;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.realtime.listener.RealtimeListener;

/**
 * Cancels the orders the hub says were cancelled (for example by the customer's app).
 */
@Component
public class CancellationListener {

	private final JdbcClient jdbc;

	public CancellationListener(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@RealtimeListener("order.cancelled")
	void onCancelled(Cancellation cancellation) {
		this.jdbc.sql("UPDATE orders SET status = 'CANCELLED' WHERE id = ?").param(cancellation.orderId()).update();
	}

	/**
	 * The payload of {@code order.cancelled}.
	 *
	 * @param orderId the cancelled order
	 */
	record Cancellation(String orderId) {
	}

}
