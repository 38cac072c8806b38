package dev.realtime.demo.delivery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.realtime.test.TestDatabases;

import static org.awaitility.Awaitility.await;

/**
 * What the test reads from the database of {@link DeliveryService} instances: their
 * progress, their connection state and what their listeners recorded.
 */
final class ServiceDatabase implements AutoCloseable {

	private final TestDatabases.Isolated database;

	private ServiceDatabase(TestDatabases.Isolated database) {
		this.database = database;
	}

	/**
	 * Create a database of its own for a service, with the service's tables.
	 * @param kind the kind of database
	 * @return the database
	 * @throws SQLException if the tables cannot be created
	 */
	static ServiceDatabase create(TestDatabases.Kind kind) throws SQLException {
		TestDatabases.Server server = (kind == TestDatabases.Kind.POSTGRESQL) ? TestDatabases.postgres()
				: TestDatabases.mariadb();
		TestDatabases.Isolated database = server.createIsolated("service");
		DeliveryService.createTables(database);
		return new ServiceDatabase(database);
	}

	TestDatabases.Isolated isolated() {
		return this.database;
	}

	/**
	 * Wait until an instance reported that it is ready.
	 * @param instance the instance
	 * @return when it was seen ready
	 */
	Instant awaitReady(String instance) {
		// a JVM starting Spring Boot on a loaded 2-core machine may take a minute
		await().atMost(Duration.ofSeconds(180)).until(() -> state(instance) != null);
		return Instant.now();
	}

	/**
	 * Return an instance's last reported connection state.
	 * @param instance the instance
	 * @return the state, {@code null} before it is ready
	 */
	@Nullable String state(String instance) {
		return queryString("select state from delivery_instance where instance = ?", instance);
	}

	/**
	 * Return whether an instance sent a chunk and holds its transaction open
	 * ({@code delivery.hold-at}).
	 * @param instance the instance
	 * @return whether it does
	 */
	boolean holding(String instance) {
		return state(instance + "-held") != null;
	}

	/**
	 * Return the payloads of the rows in the service's outbox, pending or dead.
	 * @return the payloads' JSON text
	 */
	List<String> outboxPayloads() {
		List<String> payloads = new ArrayList<>();
		try (Connection connection = this.database.connect();
				PreparedStatement statement = connection.prepareStatement("select payload from realtime_outbox");
				ResultSet rs = statement.executeQuery()) {
			while (rs.next()) {
				payloads.add(rs.getString(1));
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return payloads;
	}

	/**
	 * Return the last event number each sending thread of an instance committed.
	 * @param instance the instance
	 * @return the number by thread
	 */
	Map<Integer, Integer> lastSent(String instance) {
		Map<Integer, Integer> result = new HashMap<>();
		try (Connection connection = this.database.connect();
				PreparedStatement statement = connection
					.prepareStatement("select thread, last_sent from delivery_progress where instance = ?")) {
			statement.setString(1, instance);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					result.put(rs.getInt(1), rs.getInt(2));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return result;
	}

	/**
	 * Return the {@code client_id} the services of a user share, once one migrated the
	 * schema and registered it.
	 * @param userId the user
	 * @return the client id, or {@code null} if not yet registered
	 */
	@Nullable String clientId(String userId) {
		try {
			return queryString("select client_id from realtime_client where user_id = ?", userId);
		}
		catch (IllegalStateException ex) {
			// the library's tables are not migrated yet
			return null;
		}
	}

	/**
	 * Return how many inbound events the listeners of all instances recorded.
	 * @return the count
	 */
	long received() {
		return count("select count(*) from delivery_received");
	}

	/**
	 * Return how many different inbound seqs the listeners of all instances recorded.
	 * @return the count
	 */
	long receivedDistinct() {
		return count("select count(distinct seq) from delivery_received");
	}

	/**
	 * Return the inbound events of a name that the listeners of all instances recorded,
	 * in the order the listeners got them.
	 * @param event the event name
	 * @return the events
	 */
	List<Received> received(String event) {
		List<Received> result = new ArrayList<>();
		try (Connection connection = this.database.connect();
				PreparedStatement statement = connection
					.prepareStatement("select seq, item from delivery_received where event = ? order by id")) {
			statement.setString(1, event);
			try (ResultSet rs = statement.executeQuery()) {
				while (rs.next()) {
					int item = rs.getInt(2);
					result.add(new Received(rs.getLong(1), rs.wasNull() ? null : item));
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return result;
	}

	/**
	 * Return how many inbound events of each name the listeners of all instances
	 * recorded.
	 * @return the count by event name
	 */
	Map<String, Long> receivedByEvent() {
		Map<String, Long> result = new HashMap<>();
		try (Connection connection = this.database.connect();
				PreparedStatement statement = connection
					.prepareStatement("select event, count(*) from delivery_received group by event");
				ResultSet rs = statement.executeQuery()) {
			while (rs.next()) {
				result.put(rs.getString(1), rs.getLong(2));
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return result;
	}

	private long count(String sql) {
		try (Connection connection = this.database.connect();
				PreparedStatement statement = connection.prepareStatement(sql);
				ResultSet rs = statement.executeQuery()) {
			rs.next();
			return rs.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private @Nullable String queryString(String sql, String parameter) {
		try (Connection connection = this.database.connect();
				PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setString(1, parameter);
			try (ResultSet rs = statement.executeQuery()) {
				return rs.next() ? rs.getString(1) : null;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.database.close();
	}

	/**
	 * An inbound event as a listener recorded it.
	 *
	 * @param seq its seq in the user's stream
	 * @param item the number in its payload ({@code i}), if it has one
	 */
	record Received(long seq, @Nullable Integer item) {
	}

}
