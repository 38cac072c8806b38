package dev.realtime.samples.quickstart;

import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The service's orders, in its own database (the one the starter keeps its outbox in).
 */
@Repository
class OrderRepository {

	private final JdbcClient jdbc;

	OrderRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void save(Order order) {
		int updated = this.jdbc.sql("UPDATE orders SET status = :status WHERE id = :id")
			.param("id", order.id())
			.param("status", order.status())
			.update();
		if (updated == 0) {
			this.jdbc.sql("INSERT INTO orders (id, status) VALUES (:id, :status)")
				.param("id", order.id())
				.param("status", order.status())
				.update();
		}
	}

	Optional<Order> find(long id) {
		return this.jdbc.sql("SELECT id, status FROM orders WHERE id = :id")
			.param("id", id)
			.query(Order.class)
			.optional();
	}

}
