package dev.realtime.demo.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.Placement;
import dev.realtime.client.UserProfile;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.spi.InboundStoreFactory;
import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.client.spi.Transport;
import dev.realtime.client.spi.UserAssignments;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.demo.hub.HmacJwt;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.test.TestDatabases;

/**
 * A service acting for many shared users, for tests that run it in child JVMs: the
 * starter with its outbox and inbox on the service's own database, at default settings,
 * and {@code realtime.outbox.instance-id} naming the instance. Once ready it registers
 * {@code shared.users} users as {@link Placement#SHARED shared} with the
 * {@link UserAssignments} and keeps a client for each (what the users' registry does):
 * connected while this instance is assigned the user, else only writing to the shared
 * outbox. It then sends {@code shared.rounds} rounds, one event to every user each, at
 * {@code shared.rate} rounds a second, each round committed with a progress row
 * ({@code delivery_progress}, thread 0), and reports how many of its clients are
 * connected every 200 ms ({@code delivery_instance}).
 */
@EnableAutoConfiguration
@Import(SharedUsersService.Worker.class)
public class SharedUsersService {

	/** Event name of the numbered events. */
	static final String ITEM = "shared.item";

	/** The demo hub's published signing secret (its default {@code jwt-secret}). */
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

	static class Worker implements UserAssignments.Listener, DisposableBean {

		private static final Log logger = LogFactory.getLog(Worker.class);

		private final UserAssignments assignments;

		private final ClientSettings settings;

		private final Transport transport;

		private final OutboundQueueFactory outbound;

		private final InboundStoreFactory inbound;

		private final FrameCodec codec;

		private final JdbcTemplate jdbc;

		private final TransactionTemplate transactions;

		private final String instance;

		private final int users;

		private final int rounds;

		private final int rate;

		private final HmacJwt jwt = new HmacJwt(DEMO_JWT_SECRET);

		private final Map<String, DefaultRealtimeClient> clients = new ConcurrentHashMap<>();

		private final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor();

		Worker(UserAssignments assignments, ClientSettings settings, Transport transport, OutboundQueueFactory outbound,
				InboundStoreFactory inbound, FrameCodec codec, JdbcTemplate jdbc, TransactionTemplate transactions,
				@Value("${delivery.instance}") String instance, @Value("${shared.users}") int users,
				@Value("${shared.rounds}") int rounds, @Value("${shared.rate}") int rate) {
			this.assignments = assignments;
			this.settings = settings;
			this.transport = transport;
			this.outbound = outbound;
			this.inbound = inbound;
			this.codec = codec;
			this.jdbc = jdbc;
			this.transactions = transactions;
			this.instance = instance;
			this.users = users;
			this.rounds = rounds;
			this.rate = rate;
		}

		@EventListener(ApplicationReadyEvent.class)
		void start() {
			for (int i = 0; i < this.users; i++) {
				client(user(i));
				this.assignments.register(UserProfile.of(user(i)), Placement.SHARED);
			}
			this.assignments.start(this);
			this.jdbc.update("delete from delivery_instance where instance = ?", this.instance);
			this.jdbc.update("insert into delivery_instance (instance, state) values (?, ?)", this.instance,
					"connected 0");
			this.reporter.scheduleWithFixedDelay(
					() -> this.jdbc.update("update delivery_instance set state = ? where instance = ?",
							"connected " + connected(), this.instance),
					200, 200, TimeUnit.MILLISECONDS);
			this.jdbc.update("insert into delivery_progress (instance, thread, last_sent) values (?, 0, 0)",
					this.instance);
			Thread sender = new Thread(this::send, "shared-sender");
			sender.setDaemon(true);
			sender.start();
		}

		private long connected() {
			return this.clients.values()
				.stream()
				.filter((client) -> client.connectionState() == ConnectionState.CONNECTED)
				.count();
		}

		private DefaultRealtimeClient client(String userId) {
			return this.clients.computeIfAbsent(userId, (id) -> {
				long now = Instant.now().getEpochSecond();
				String token = this.jwt.sign(Map.of("sub", id, "iat", now, "exp", now + 3600));
				return new DefaultRealtimeClient(this.settings.toBuilder().userId(id).build(), this.transport,
						new StaticTokenProvider(token), this.outbound.create(id), this.inbound.create(id), this.codec,
						Clock.systemUTC());
			});
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
					for (int i = 0; i < this.users; i++) {
						client(user(i)).sendEvent(ITEM, Map.of("instance", this.instance, "user", user(i), "n", n));
					}
					this.jdbc.update("update delivery_progress set last_sent = ? where instance = ? and thread = 0", n,
							this.instance);
				});
			}
			logger.info(this.instance + " committed all " + this.rounds + " rounds");
		}

		@Override
		public void assigned(UserProfile profile) {
			client(profile.id()).connect();
		}

		@Override
		public void revoked(String userId) {
			client(userId).disconnect(false);
		}

		@Override
		public void destroy() {
			this.reporter.shutdownNow();
			this.clients.values().forEach(DefaultRealtimeClient::close);
		}

	}

}
