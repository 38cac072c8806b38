package dev.realtime.outbox;

import java.util.Collections;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The SQL of the user assignments over plain JDBC: the live instances in
 * {@code realtime_instance}, and the users' placement and leases in
 * {@code realtime_client}. The statements a poll runs touch every user this instance
 * holds at once, so their number does not grow with the users; each is served by an index
 * ({@code realtime_client_owner_ix}, {@code realtime_client_placement_ix}, the outbox's
 * relay index), never by a sort.
 */
class AssignmentRepository {

	private static final String INSERT_INSTANCE = "insert into realtime_instance (instance_id, expires_at)"
			+ " values (?, %s + ?)";

	private static final String DELETE_INSTANCE = "delete from realtime_instance where instance_id = ?";

	private static final String RELEASE_ALL = "update realtime_client set relay_owner = null, relay_lease_until = 0"
			+ " where relay_owner = ?";

	private static final String HELD = "select user_id, relay_epoch, placement from realtime_client"
			+ " where relay_owner = ?";

	private static final String REGISTER = "update realtime_client set placement = ?, relay_home = ?, profile = ?"
			+ " where user_id = ?";

	private static final String CREATE_REGISTERED = "insert into realtime_client (user_id, client_id,"
			+ " relay_epoch, relay_lease_until, placement, relay_home, profile) values (?, ?, 0, 0, ?, ?, ?)";

	private static final String UNREGISTER = "update realtime_client set placement = null, relay_home = null,"
			+ " profile = null where user_id = ? and (relay_home is null or relay_home = ?)";

	private static final String FREE_SHARED = "placement = 'SHARED' and (relay_owner is null or relay_lease_until < %s)";

	private static final RowMapper<Held> HELD_ROW = (rs, rowNum) -> new Held(rs.getString(1), rs.getLong(2),
			rs.getString(3));

	private static final RowMapper<Claimed> CLAIMED_ROW = (rs, rowNum) -> new Claimed(rs.getString(1), rs.getLong(2),
			rs.getLong(3), rs.getString(4));

	private final JdbcTemplate jdbc;

	private final OutboxDialect dialect;

	private final String insertInstance;

	private final String heartbeat;

	private final String purgeInstances;

	private final String renewAll;

	private final String counts;

	/** The claim of shared users on PostgreSQL; parameters: max, owner, lease millis. */
	final String claimShared;

	private final String lockFreeShared;

	/** The held users with new rows; parameter: owner. */
	final String newRows;

	AssignmentRepository(DataSource dataSource, OutboxDialect dialect) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		String now = dialect.nowMillis;
		this.insertInstance = INSERT_INSTANCE.formatted(now);
		this.heartbeat = "update realtime_instance set expires_at = " + now + " + ? where instance_id = ?";
		this.purgeInstances = "delete from realtime_instance where expires_at < " + now + " - ?";
		String renew = "update realtime_client set relay_lease_until = " + now + " + ? where relay_owner = ?";
		this.renewAll = (dialect == OutboxDialect.POSTGRESQL) ? renew + " returning user_id, relay_epoch, placement"
				: renew;
		this.counts = "select (select count(*) from realtime_instance where expires_at >= " + now + "),"
				+ " (select count(*) from realtime_client where placement = 'SHARED')";
		String free = FREE_SHARED.formatted(now);
		// PostgreSQL claims in one statement; elsewhere the free rows are locked first.
		// The
		// locking select is a CTE, run once: as an "in (subquery)" the planner may run it
		// again for every row of the outer scan, and so take more than the limit
		this.claimShared = "with free as (select user_id from realtime_client where " + free
				+ " limit ? for update skip locked) update realtime_client c set relay_owner = ?,"
				+ " relay_epoch = c.relay_epoch + 1, relay_lease_until = " + now + " + ? from free"
				+ " where c.user_id = free.user_id returning c.user_id, c.relay_epoch, c.sent_seq, c.profile";
		this.lockFreeShared = "select user_id from realtime_client where " + free + " limit ? for update"
				+ ((dialect == OutboxDialect.MARIADB) ? " skip locked" : "");
		// one index probe of the outbox per held user; PostgreSQL's lateral join keeps
		// the
		// probe whatever the planner statistics, where exists could become a hash join
		this.newRows = (dialect == OutboxDialect.POSTGRESQL)
				? "select c.user_id from realtime_client c cross join lateral (select 1 from realtime_outbox o"
						+ " where o.user_id = c.user_id and o.status = 'NEW' limit 1) n where c.relay_owner = ?"
				: "select c.user_id from realtime_client c where c.relay_owner = ? and exists (select 1"
						+ " from realtime_outbox o where o.user_id = c.user_id and o.status = 'NEW')";
	}

	/**
	 * Register this instance as live, or renew its registration, until the database's
	 * clock passes {@code leaseMillis} from now.
	 * @param instance this instance's id
	 * @param leaseMillis how long the registration lasts
	 */
	void heartbeat(String instance, long leaseMillis) {
		if (this.jdbc.update(this.heartbeat, leaseMillis, instance) == 0) {
			this.jdbc.update(this.insertInstance, instance, leaseMillis);
		}
	}

	/**
	 * Delete the rows of instances that expired long ago.
	 * @param agoMillis how long ago they expired
	 */
	void purgeInstances(long agoMillis) {
		this.jdbc.update(this.purgeInstances, agoMillis);
	}

	/**
	 * This instance stops: it is no longer live, and every lease it holds is free.
	 * @param instance this instance's id
	 */
	void leave(String instance) {
		this.jdbc.update(RELEASE_ALL, instance);
		this.jdbc.update(DELETE_INSTANCE, instance);
	}

	/**
	 * Renew every lease this instance holds.
	 * @param owner this instance's id
	 * @param leaseMillis how long the leases last from now
	 * @return the leases renewed
	 */
	List<Held> renewAll(String owner, long leaseMillis) {
		if (this.dialect == OutboxDialect.POSTGRESQL) {
			return this.jdbc.query(this.renewAll, HELD_ROW, leaseMillis, owner);
		}
		this.jdbc.update(this.renewAll, leaseMillis, owner);
		return this.jdbc.query(HELD, HELD_ROW, owner);
	}

	/**
	 * Count the live instances and the shared users.
	 * @return the live instances and the shared users
	 */
	long[] counts() {
		long[] counts = this.jdbc.queryForObject(this.counts,
				(rs, rowNum) -> new long[] { rs.getLong(1), rs.getLong(2) });
		return (counts != null) ? counts : new long[] { 0, 0 };
	}

	/**
	 * Take the leases of shared users nobody holds, or whose holder let them expire.
	 * Where the database has no single statement for it, call in a transaction.
	 * @param owner this instance's id
	 * @param leaseMillis how long the leases last from now
	 * @param max the most users to take
	 * @return the users taken
	 */
	List<Claimed> claimShared(String owner, long leaseMillis, int max) {
		if (this.dialect == OutboxDialect.POSTGRESQL) {
			return this.jdbc.query(this.claimShared, CLAIMED_ROW, max, owner, leaseMillis);
		}
		List<String> free = this.jdbc.queryForList(this.lockFreeShared, String.class, max);
		if (free.isEmpty()) {
			return List.of();
		}
		String in = String.join(", ", Collections.nCopies(free.size(), "?"));
		Object[] take = new Object[free.size() + 2];
		take[0] = owner;
		take[1] = leaseMillis;
		for (int i = 0; i < free.size(); i++) {
			take[i + 2] = free.get(i);
		}
		this.jdbc.update("update realtime_client set relay_owner = ?, relay_epoch = relay_epoch + 1,"
				+ " relay_lease_until = " + this.dialect.nowMillis + " + ? where user_id in (" + in + ")", take);
		Object[] read = new Object[free.size() + 1];
		read[0] = owner;
		System.arraycopy(take, 2, read, 1, free.size());
		return this.jdbc.query("select user_id, relay_epoch, sent_seq, profile from realtime_client"
				+ " where relay_owner = ? and user_id in (" + in + ")", CLAIMED_ROW, read);
	}

	/**
	 * Return the users whose leases this instance holds and who have new rows.
	 * @param owner this instance's id
	 * @return the users' ids
	 */
	List<String> withNewRows(String owner) {
		return this.jdbc.queryForList(this.newRows, String.class, owner);
	}

	/**
	 * Record a user's placement and profile, creating the user's stream if needed.
	 * @param userId the user
	 * @param placement {@code PINNED} or {@code SHARED}
	 * @param home the instance a pinned user runs on, {@code null} for a shared one
	 * @param profile the profile's JSON
	 */
	void register(String userId, String placement, @Nullable String home, String profile) {
		if (this.jdbc.update(REGISTER, placement, home, profile, userId) > 0) {
			return;
		}
		try {
			this.jdbc.update(CREATE_REGISTERED, userId, UUID.randomUUID().toString(), placement, home, profile);
			this.jdbc.update(OutboxRepository.CREATE_SEQ, userId);
		}
		catch (DuplicateKeyException ex) {
			// created at the same moment, by this user's queue or another instance
			this.jdbc.update(REGISTER, placement, home, profile, userId);
		}
	}

	/**
	 * Forget a user's placement, unless another instance pinned it since.
	 * @param userId the user
	 * @param instance this instance's id
	 */
	void unregister(String userId, String instance) {
		this.jdbc.update(UNREGISTER, userId, instance);
	}

	/**
	 * A lease this instance renewed.
	 *
	 * @param userId the user
	 * @param epoch the lease's epoch
	 * @param placement the user's placement, or {@code null} for a stream no assignments
	 * run
	 */
	record Held(String userId, long epoch, @Nullable String placement) {
	}

	/**
	 * A shared user's lease this instance took.
	 *
	 * @param userId the user
	 * @param epoch the lease's new epoch
	 * @param sentSeq the highest seq sent
	 * @param profile the profile's JSON, {@code null} if it was never registered
	 */
	record Claimed(String userId, long epoch, long sentSeq, @Nullable String profile) {
	}

}
