package dev.realtime.hub.actuate;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.realtime.hub.HubNode;

/**
 * Health of this hub node: {@code DOWN} when its database does not answer (nothing can be
 * accepted or resumed then), {@code OUT_OF_SERVICE} once its shutdown began (a load
 * balancer stops sending it clients), else {@code UP}. Details: {@code node} (its id),
 * {@code database}, {@code sessions} (open connections of every transport), {@code users}
 * (users with a connection) and {@code accepting}.
 */
public class HubHealthIndicator extends AbstractHealthIndicator {

	/** Reads nothing, but only from the hub's own table: its schema is there too. */
	private static final String PROBE = "SELECT COUNT(*) FROM hub_user WHERE 1 = 0";

	private final HubNode node;

	private final JdbcTemplate jdbcTemplate;

	/**
	 * Create the indicator.
	 * @param node the node's connections and state
	 * @param jdbcTemplate the database of the hub's store
	 */
	public HubHealthIndicator(HubNode node, JdbcTemplate jdbcTemplate) {
		super("Hub health check failed");
		this.node = node;
		this.jdbcTemplate = jdbcTemplate;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean accepting = this.node.isAccepting();
		builder.withDetail("node", this.node.id())
			.withDetail("sessions", this.node.openSessions())
			.withDetail("users", this.node.connectedUsers())
			.withDetail("accepting", accepting);
		try {
			this.jdbcTemplate.queryForObject(PROBE, Long.class);
		}
		catch (DataAccessException ex) {
			builder.down().withDetail("database", "unreachable: " + ex.getMostSpecificCause().getMessage());
			return;
		}
		builder.withDetail("database", "reachable");
		if (accepting) {
			builder.up();
		}
		else {
			builder.outOfService();
		}
	}

}
