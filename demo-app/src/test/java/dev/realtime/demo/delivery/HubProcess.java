package dev.realtime.demo.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.realtime.demo.ChildJvm;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.test.TestDatabases;

import static org.awaitility.Awaitility.await;

/**
 * The demo's reference hub in a child JVM ({@link ChildJvm}), with its durable JDBC store
 * in a schema of the test, on a port that stays the same across restarts so that clients
 * find it again. Its own client is switched off: the hub alone. The test reads what the
 * hub stored straight from its tables, which outlive the process.
 */
final class HubProcess implements AutoCloseable {

	private final TestDatabases.Isolated database;

	private final int port;

	private final List<String> users;

	private final List<String> properties;

	private final String name;

	private ChildJvm jvm;

	private int starts;

	private HubProcess(TestDatabases.Isolated database, int port, List<String> users, List<String> properties,
			String name) {
		this.database = database;
		this.port = port;
		this.users = users;
		this.properties = properties;
		this.name = name;
	}

	/**
	 * Start a hub and wait until it answers HTTP.
	 * @param database the hub's schema
	 * @param name names the log files under {@code target/}
	 * @param users the users it accepts, each with its own name as static token
	 * @return the running hub
	 * @throws IOException if the JVM cannot be started
	 */
	static HubProcess start(TestDatabases.Isolated database, String name, String... users) throws IOException {
		return start(database, name, List.of(users), List.of());
	}

	/**
	 * Start a hub with further settings and wait until it answers HTTP.
	 * @param database the hub's schema
	 * @param name names the log files under {@code target/}
	 * @param users the users it accepts, each with its own name as static token
	 * @param properties further properties of the hub, such as {@code realtime.hub.*}
	 * @return the running hub
	 * @throws IOException if the JVM cannot be started
	 */
	static HubProcess start(TestDatabases.Isolated database, String name, List<String> users, List<String> properties)
			throws IOException {
		HubProcess hub = new HubProcess(database, freePort(), users, properties, name);
		hub.startJvm();
		return hub;
	}

	int port() {
		return this.port;
	}

	/**
	 * Stop the hub with SIGTERM, as a deployment does, and start it again.
	 * @throws Exception if it does not stop or start
	 */
	void restartGracefully() throws Exception {
		this.jvm.stop();
		startJvm();
	}

	/**
	 * Kill the hub with SIGKILL and start it again.
	 * @throws Exception if it does not die or start
	 */
	void restartAfterKill() throws Exception {
		this.jvm.kill();
		startJvm();
	}

	/**
	 * Fail if the hub died without being asked to.
	 */
	void assertAlive() {
		if (!this.jvm.isAlive()) {
			throw new IllegalStateException("The hub died, see " + this.jvm.log());
		}
	}

	private void startJvm() throws IOException {
		this.starts++;
		List<String> properties = new ArrayList<>(
				List.of("server.port=" + this.port, "spring.main.banner-mode=off", "realtime.enabled=false"));
		this.users.forEach((user) -> properties.add("realtime.hub.tokens." + user + "=" + user));
		properties.addAll(this.properties);
		properties.addAll(List.of(this.database.springProperties()));
		this.jvm = ChildJvm.start(this.name + "-" + this.starts,
				List.of(ClientOnlyApplication.asArguments(properties)));
		awaitUp();
	}

	private void awaitUp() {
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
		HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health"))
			.timeout(Duration.ofSeconds(5))
			.build();
		// a JVM starting Spring Boot on a loaded 2-core machine may take a minute
		await("hub " + this.starts + " answering on port " + this.port + " (log " + this.jvm.log() + ")")
			.atMost(Duration.ofSeconds(180))
			.pollInterval(Duration.ofMillis(250))
			.ignoreExceptionsInstanceOf(IOException.class)
			.until(() -> {
				assertAlive();
				return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() > 0;
			});
	}

	/**
	 * Return a number the hub's tables hold, for example a count.
	 * @param sql a query of one row and one non-null number
	 * @param parameters its parameters
	 * @return the number
	 */
	long queryLong(String sql, Object... parameters) {
		return queryLongs(sql, parameters).get(0);
	}

	/**
	 * Return the (non-null) numbers of the first column of a query of the hub's tables.
	 * @param sql the query
	 * @param parameters its parameters
	 * @return the numbers, in the query's order
	 */
	List<Long> queryLongs(String sql, Object... parameters) {
		List<Long> result = new ArrayList<>();
		try (Connection connection = this.database.connect();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				statement.setObject(i + 1, parameters[i]);
			}
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					result.add(rs.getLong(1));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return result;
	}

	@Override
	public void close() throws InterruptedException {
		this.jvm.close();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
