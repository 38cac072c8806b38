package dev.realtime.demo.delivery;

import java.time.Instant;
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
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.auth.UserTokenProvider;
import dev.realtime.client.Placement;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.UserProfile;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.demo.token.DemoTokenSigner;
import dev.realtime.test.TestDatabases;
import dev.realtime.users.RealtimeClients;

/**
 * A service acting for many shared users, for tests that run it in child JVMs: the
 * starter with its outbox and inbox on the service's own database, at default settings,
 * and {@code realtime.outbox.instance-id} naming the instance. Once ready it connects
 * {@code shared.users} users through {@link RealtimeClients} as {@link Placement#SHARED
 * shared} (each with a JWT its {@link UserTokenProvider} signs): a user's client connects
 * on the instance holding the user's lease, and every instance writes to the shared
 * outbox. It then sends {@code shared.rounds} rounds, one event to every user each, at
 * {@code shared.rate} rounds a second, each round committed with a progress row
 * ({@code delivery_progress}, thread 0), and reports how many of its users are connected
 * every 200 ms ({@code delivery_instance}).
 */
@EnableAutoConfiguration
@Import(SharedUsersService.Worker.class)
public class SharedUsersService {

	/** Event name of the numbered events. */
	static final String ITEM = "shared.item";

	/** The demo's published signing secret (its {@code realtime.hub.auth.jwt-secret}). */
	private static final String DEMO_JWT_SECRET = "demo-only-jwt-secret-do-not-use-in-production";

	public static void main(String[] args) {
		new SpringApplicationBuilder(SharedUsersService.class).web(WebApplicationType.NONE).run(args);
	}

	/**
	 * Return the program arguments of one instance of the service.
	 * @param port the hub's port
	 * @param database the service's database (shared by its instances)
	 * @param instance names this instance in the tables and the leases
	 * @param users how many shared users
	 * @param rounds how many events each user gets from this instance
	 * @param rate rounds a second
	 * @return the arguments
	 */
	static List<String> arguments(int port, TestDatabases.Isolated database, String instance, int users, int rounds,
			int rate) {
		List<String> properties = new ArrayList<>(List.of("spring.main.banner-mode=off", "spring.flyway.enabled=false",
				"spring.jpa.open-in-view=false", "realtime.url=ws://localhost:" + port + "/realtime",
				// the application's own client is not used: every user is a shared one
				"realtime.user-id=service-" + instance, "realtime.auto-connect=false",
				"realtime.outbox.instance-id=" + instance, "delivery.instance=" + instance, "shared.users=" + users,
				"shared.rounds=" + rounds, "shared.rate=" + rate));
		properties.addAll(ClientOnlyApplication.staticToken("unused"));
		properties.addAll(List.of(database.springProperties()));
		return List.of(ClientOnlyApplication.asArguments(properties));
	}

	static String user(int index) {
		return "shared-" + index;
	}

	/**
	 * Signs each user's token with the demo hub's published secret, as a token service
	 * would: any instance can mint any user's token.
	 * @return the provider
	 */
	@Bean
	UserTokenProvider sharedUserTokens() {
		DemoTokenSigner signer = new DemoTokenSigner(DEMO_JWT_SECRET);
		return (userId) -> {
			Instant now = Instant.now();
			return signer.sign(userId, now, now.plusSeconds(3600), Map.of());
		};
	}

	static class Worker implements DisposableBean {

		private static final Log logger = LogFactory.getLog(Worker.class);

		private final RealtimeClients clients;

		private final JdbcTemplate jdbc;

		private final TransactionTemplate transactions;

		private final String instance;

		private final int users;

		private final int rounds;

		private final int rate;

		private final List<RealtimeClient> senders = new ArrayList<>();

		private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();

		Worker(RealtimeClients clients, JdbcTemplate jdbc, TransactionTemplate transactions,
				@Value("${delivery.instance}") String instance, @Value("${shared.users}") int users,
				@Value("${shared.rounds}") int rounds, @Value("${shared.rate}") int rate) {
			this.clients = clients;
			this.jdbc = jdbc;
			this.transactions = transactions;
			this.instance = instance;
			this.users = users;
			this.rounds = rounds;
			this.rate = rate;
		}

		@EventListener(ApplicationReadyEvent.class)
		void start() {
			// every instance connects every user as shared: the users run where their
			// leases are, and every instance can send for any of them
			for (int i = 0; i < this.users; i++) {
				this.senders.add(this.clients.connectUser(UserProfile.of(user(i)), Placement.SHARED));
			}
			this.jdbc.update("delete from delivery_instance where instance = ?", this.instance);
			this.jdbc.update("insert into delivery_instance (instance, state) values (?, ?)", this.instance,
					"connected 0");
			this.reporter.scheduleWithFixedDelay(
					() -> this.jdbc.update("update delivery_instance set state = ? where instance = ?",
							"connected " + this.clients.connectedUsers().size(), this.instance),
					200, 200, TimeUnit.MILLISECONDS);
			this.jdbc.update("insert into delivery_progress (instance, thread, last_sent) values (?, 0, 0)",
					this.instance);
			Thread sender = new Thread(this::send, "shared-sender");
			sender.setDaemon(true);
			sender.start();
		}

		private void send() {
			long roundNanos = TimeUnit.SECONDS.toNanos(1) / this.rate;
			long due = System.nanoTime();
			for (int round = 1; round <= this.rounds; round++) {
				// a load generator's pace, not a wait for a result
				due += roundNanos;
				LockSupport.parkNanos(due - System.nanoTime());
				int n = round;
				this.transactions.executeWithoutResult((status) -> {
					for (RealtimeClient client : this.senders) {
						client.sendEvent(ITEM, Map.of("instance", this.instance, "user", client.userId(), "n", n));
					}
					this.jdbc.update("update delivery_progress set last_sent = ? where instance = ? and thread = 0", n,
							this.instance);
				});
			}
			logger.info(this.instance + " committed all " + this.rounds + " rounds");
		}

		@Override
		public void destroy() {
			this.reporter.shutdownNow();
		}

	}

}
