package dev.realtime.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.RealtimeClient;

/**
 * A user's service: a real Spring Boot context with the starter on PostgreSQL (a fresh
 * schema of its own, dropped on close), connected to the bench hub. Only the public API
 * and properties are used, so it keeps compiling while the core changes.
 */
final class Starter implements AutoCloseable {

	private static final AtomicInteger users = new AtomicInteger();

	private final Database database;

	private final String schema;

	private final String userId;

	private final ConfigurableApplicationContext context;

	private Starter(Database database, String schema, String userId, ConfigurableApplicationContext context) {
		this.database = database;
		this.schema = schema;
		this.userId = userId;
		this.context = context;
	}

	/**
	 * Start a context and, unless {@code realtime.auto-connect=false} is among the
	 * properties, wait until it is connected.
	 * @param hub the hub
	 * @param database the database
	 * @param properties further {@code key=value} properties, overriding the defaults
	 * here
	 * @return the running starter
	 */
	static Starter start(BenchHub hub, Database database, String... properties) {
		return start(hub, database, new Class<?>[0], properties);
	}

	/**
	 * Start a context with configuration classes of the application's own beside the
	 * auto-configuration, and wait as {@link #start(BenchHub, Database, String...)} does.
	 * @param hub the hub
	 * @param database the database
	 * @param sources the application's configuration classes
	 * @param properties further {@code key=value} properties
	 * @return the running starter
	 */
	static Starter start(BenchHub hub, Database database, Class<?>[] sources, String... properties) {
		String schema = database.createSchema("starter");
		String userId = "bench-" + users.incrementAndGet();
		List<String> args = new ArrayList<>(List.of("spring.main.web-application-type=none",
				"spring.main.banner-mode=off", "logging.level.root=WARN", "logging.level.dev.realtime=ERROR",
				"realtime.url=" + hub.uri(), "realtime.user-id=" + userId, "realtime.auth.token=bench"));
		args.addAll(List.of(database.springProperties(schema)));
		for (String property : properties) {
			// a property given twice on the command line would be joined with a comma
			String key = property.substring(0, property.indexOf('=') + 1);
			args.removeIf((arg) -> arg.startsWith(key));
			args.add(property);
		}
		ConfigurableApplicationContext context;
		try {
			context = new SpringApplicationBuilder(Application.class).sources(sources)
				.run(args.stream().map((property) -> "--" + property).toArray(String[]::new));
		}
		catch (RuntimeException ex) {
			database.dropSchema(schema);
			throw ex;
		}
		Starter starter = new Starter(database, schema, userId, context);
		if (!args.contains("realtime.auto-connect=false")) {
			starter.awaitState(ConnectionState.CONNECTED);
		}
		return starter;
	}

	RealtimeClient client() {
		return this.context.getBean(RealtimeClient.class);
	}

	TransactionTemplate transactions() {
		return new TransactionTemplate(this.context.getBean(PlatformTransactionManager.class));
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	JdbcTemplate jdbc() {
		return this.context.getBean(JdbcTemplate.class);
	}

	/**
	 * Events stored in the client's inbox: each leaves it once its listeners handled it.
	 * @return the rows of the inbox table
	 */
	long inboxRows() {
		Long rows = jdbc().queryForObject("select count(*) from realtime_inbox_event", Long.class);
		return (rows != null) ? rows : -1;
	}

	String userId() {
		return this.userId;
	}

	String schema() {
		return this.schema;
	}

	void awaitState(ConnectionState state) {
		if (!Windows.await(() -> client().connectionState() == state, Duration.ofSeconds(30))) {
			throw new IllegalStateException(
					"Client did not reach " + state + " within 30 s, it is " + client().connectionState());
		}
	}

	@Override
	public void close() {
		try {
			this.context.close();
		}
		finally {
			this.database.dropSchema(this.schema);
		}
	}

	/**
	 * The application: auto-configuration only, as a service that adds the starter.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
