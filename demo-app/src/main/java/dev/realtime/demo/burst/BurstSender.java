package dev.realtime.demo.burst;

import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.realtime.autoconfigure.ConditionalOnRealtimeEnabled;
import dev.realtime.client.RealtimeClient;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends events {@code burst.item} numbered 1 to {@code demo.burst.count} once the application
 * is ready. Each chunk of events and the progress row commit in one transaction, the way an
 * application records its own state and its outgoing messages together: killed at any point,
 * a restarted process continues after the last committed chunk and nothing is sent twice.
 */
@Component
@ConditionalOnRealtimeEnabled
@ConditionalOnProperty("demo.burst.count")
public class BurstSender {

	private static final Log logger = LogFactory.getLog(BurstSender.class);

	private static final int CHUNK = 50;

	private final RealtimeClient client;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final int count;

	BurstSender(RealtimeClient client, JdbcTemplate jdbc, TransactionTemplate transactions,
			@Value("${demo.burst.count}") int count) {
		this.client = client;
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.count = count;
	}

	@EventListener(ApplicationReadyEvent.class)
	void start() {
		Thread thread = new Thread(this::send, "demo-burst");
		thread.setDaemon(true);
		thread.start();
	}

	private void send() {
		int next = lastSent() + 1;
		logger.info("Burst sending events " + next + " to " + this.count);
		while (next <= this.count) {
			int first = next;
			int last = Math.min(next + CHUNK - 1, this.count);
			this.transactions.executeWithoutResult((status) -> {
				for (int i = first; i <= last; i++) {
					this.client.sendEvent("burst.item", Map.of("i", i));
				}
				this.jdbc.update("UPDATE demo_burst_progress SET last_sent = ? WHERE id = 1", last);
			});
			next = last + 1;
		}
		logger.info("Burst handed all " + this.count + " events to the outbox");
	}

	private int lastSent() {
		return this.transactions.execute((status) -> {
			Integer last = this.jdbc.query("SELECT last_sent FROM demo_burst_progress WHERE id = 1",
					(rs) -> rs.next() ? rs.getInt(1) : null);
			if (last == null) {
				this.jdbc.update("INSERT INTO demo_burst_progress (id, last_sent) VALUES (1, 0)");
				return 0;
			}
			return last;
		});
	}

}
