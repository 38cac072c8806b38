package dev.realtime.demo.delivery;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.test.TestDatabases;

/**
 * A user's service for tests that run it in child JVMs
 * ({@link dev.realtime.demo.ChildJvm}): the starter with its outbox and inbox on the
 * service's own database, at default settings. Once ready it sends {@code delivery.item}
 * events numbered 1 to {@code delivery.count} from each of {@code delivery.threads}
 * threads, committing each chunk with a progress row (an instance started again under the
 * same name continues after its last committed chunk), at most {@code delivery.rate}
 * events a second per thread if set; its listener records every inbound event, in the
 * order it gets them, in the listener's transaction; and it reports its connection state
 * every 200 ms; it joins the room {@code delivery.room}, if set, at every connect; with
 * {@code delivery.hold-at}, it sends the chunk of that event and then keeps its
 * transaction open, uncommitted, until the process is killed. The tables are created by
 * {@link #createTables}, so the test can read them.
 */
@EnableAutoConfiguration
@Import(DeliveryService.Worker.class)
public class DeliveryService {

	/** Event name of the numbered events. */
	static final String ITEM = "delivery.item";

	public static void main(String[] args) {
		new SpringApplicationBuilder(DeliveryService.class).web(WebApplicationType.NONE).run(args);
	}

	/**
	 * Return the program arguments of one instance of the service.
	 * @param port the hub's port
	 * @param userId the user
	 * @param token the user's static token at the hub
	 * @param database the service's database (shared by its instances)
	 * @param instance names this instance in the tables
	 * @param count events each sending thread sends, 0 for none
	 * @param threads sending threads
	 * @return the arguments
	 */
	static List<String> arguments(int port, String userId, String token, TestDatabases.Isolated database,
			String instance, int count, int threads) {
		return arguments(port, userId, token, database, instance, count, threads, List.of());
	}

	/**
	 * Return the program arguments of one instance of the service, with further
	 * properties.
	 * @param port the hub's port
	 * @param userId the user
	 * @param token the user's static token at the hub
	 * @param database the service's database (shared by its instances)
	 * @param instance names this instance in the tables
	 * @param count events each sending thread sends, 0 for none
	 * @param threads sending threads
	 * @param overrides {@code key=value} properties that replace or add to the others,
	 * for example {@code realtime.transport} and {@code realtime.url}
	 * @return the arguments
	 */
	static List<String> arguments(int port, String userId, String token, TestDatabases.Isolated database,
			String instance, int count, int threads, List<String> overrides) {
		List<String> properties = new ArrayList<>(List.of("spring.main.banner-mode=off", "spring.flyway.enabled=false",
				"spring.jpa.open-in-view=false", "realtime.url=ws://localhost:" + port + "/realtime",
				"realtime.user-id=" + userId, "realtime.inbox.transactional=true", "delivery.instance=" + instance,
				"delivery.count=" + count, "delivery.threads=" + threads));
		properties.addAll(ClientOnlyApplication.staticToken(token));
		properties.addAll(List.of(database.springProperties()));
		for (String override : overrides) {
			String key = override.substring(0, override.indexOf('=') + 1);
			properties.removeIf((property) -> property.startsWith(key));
			properties.add(override);
		}
		return List.of(ClientOnlyApplication.asArguments(properties));
	}

	/**
	 * Create the service's own tables (beside the library's, which it migrates itself).
	 * @param database the service's database
	 * @throws SQLException if a statement fails
	 */
	static void createTables(TestDatabases.Isolated database) throws SQLException {
		// the id numbers the listener's calls in the order they happened
		String id = (database.server().kind() == TestDatabases.Kind.POSTGRESQL) ? "bigint generated always as identity"
				: "bigint auto_increment";
		try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table delivery_progress (instance varchar(16) not null, thread integer not null, "
					+ "last_sent integer not null, primary key (instance, thread))");
			statement.execute("create table delivery_received (id " + id + " primary key, "
					+ "instance varchar(16) not null, seq bigint not null, event varchar(255) not null, item integer)");
			statement.execute("create table delivery_instance (instance varchar(16) not null primary key, "
					+ "state varchar(32) not null)");
		}
	}

	static class Worker implements DisposableBean {

		private static final Log logger = LogFactory.getLog(Worker.class);

		private static final int CHUNK = 50;

		private final RealtimeClient client;

		private final JdbcTemplate jdbc;

		private final TransactionTemplate transactions;

		private final String instance;

		private final int count;

		private final int threads;

		private final int rate;

		/**
		 * The event whose chunk is sent and then held uncommitted until the process is
		 * killed, 0 for none.
		 */
		private final int holdAt;

		private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();

		Worker(RealtimeClient client, JdbcTemplate jdbc, TransactionTemplate transactions,
				@Value("${delivery.instance}") String instance, @Value("${delivery.count}") int count,
				@Value("${delivery.threads}") int threads, @Value("${delivery.rate:0}") int rate,
				@Value("${delivery.room:}") String room, @Value("${delivery.hold-at:0}") int holdAt) {
			this.client = client;
			if (!room.isEmpty()) {
				// a room's events reach its members only: join it at every connect
				MetaSignalClient meta = (MetaSignalClient) client;
				meta.onConnectionStateChange((change) -> {
					if (change.current() == ConnectionState.CONNECTED) {
						meta.sendMeta(MetaFrame.ROOM_JOIN, Map.of("room", room));
					}
				});
			}
			this.jdbc = jdbc;
			this.transactions = transactions;
			this.instance = instance;
			this.count = count;
			this.threads = threads;
			this.rate = rate;
			this.holdAt = holdAt;
		}

		@EventListener(ApplicationReadyEvent.class)
		void start() {
			this.jdbc.update("delete from delivery_instance where instance = ?", this.instance);
			this.jdbc.update("insert into delivery_instance (instance, state) values (?, ?)", this.instance,
					this.client.connectionState().name());
			this.reporter.scheduleWithFixedDelay(
					() -> this.jdbc.update("update delivery_instance set state = ? where instance = ?",
							this.client.connectionState().name(), this.instance),
					200, 200, TimeUnit.MILLISECONDS);
			for (int t = 0; t < this.threads && this.count > 0; t++) {
				int thread = t;
				List<Integer> committed = this.jdbc.queryForList(
						"select last_sent from delivery_progress where instance = ? and thread = ?", Integer.class,
						this.instance, thread);
				if (committed.isEmpty()) {
					this.jdbc.update("insert into delivery_progress (instance, thread, last_sent) values (?, ?, 0)",
							this.instance, thread);
				}
				int next = committed.isEmpty() ? 1 : committed.get(0) + 1;
				Thread sender = new Thread(() -> send(thread, next), "delivery-sender-" + thread);
				sender.setDaemon(true);
				sender.start();
			}
		}

		private void send(int thread, int next) {
			long chunkNanos = (this.rate > 0) ? TimeUnit.SECONDS.toNanos(CHUNK) / this.rate : 0;
			long chunkDue = System.nanoTime();
			for (int first = next; first <= this.count; first += CHUNK) {
				// a load generator's pace, not a wait for a result
				chunkDue += chunkNanos;
				LockSupport.parkNanos(chunkDue - System.nanoTime());
				int from = first;
				int to = Math.min(first + CHUNK - 1, this.count);
				this.transactions.executeWithoutResult((status) -> {
					for (int i = from; i <= to; i++) {
						this.client.sendEvent(ITEM, Map.of("instance", this.instance, "thread", thread, "i", i));
					}
					this.jdbc.update("update delivery_progress set last_sent = ? where instance = ? and thread = ?", to,
							this.instance, thread);
					if (from <= this.holdAt && this.holdAt <= to) {
						holdUncommitted();
					}
				});
			}
			logger.info("Thread " + thread + " of " + this.instance + " committed all " + this.count + " events");
		}

		/**
		 * Say so in a transaction of its own, then keep the sender's transaction open
		 * until the process is killed.
		 */
		private void holdUncommitted() {
			TransactionTemplate own = new TransactionTemplate(this.transactions.getTransactionManager());
			own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			own.executeWithoutResult((status) -> this.jdbc.update(
					"insert into delivery_instance (instance, state) values (?, 'HOLDING')", this.instance + "-held"));
			logger.info("Holding the transaction of events up to " + this.holdAt + " open until killed");
			while (true) {
				// not a wait for a result: the process is killed while it parks here
				LockSupport.park(this);
			}
		}

		@Override
		public void destroy() {
			this.reporter.shutdownNow();
		}

		@RealtimeListener
		void received(InboundMessage message) {
			JsonNode item = message.payload().get("i");
			this.jdbc.update("insert into delivery_received (instance, seq, event, item) values (?, ?, ?, ?)",
					this.instance, message.seq(), message.event(), (item != null) ? item.intValue() : null);
		}

	}

}
