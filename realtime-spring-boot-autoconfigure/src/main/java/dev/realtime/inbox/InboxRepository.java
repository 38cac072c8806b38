package dev.realtime.inbox;

import java.time.Instant;
import java.util.List;

import jakarta.persistence.EntityManager;
import org.hibernate.Session;
import org.jspecify.annotations.Nullable;

/**
 * Queries of the inbox tables. Every method must run inside a transaction of the
 * caller's; the entity manager is the shared, transaction-bound one.
 */
class InboxRepository {

	/**
	 * Rows per JDBC batch when storing events: a page of thousands costs a few round
	 * trips.
	 */
	private static final int INSERT_BATCH = 500;

	private final EntityManager entityManager;

	InboxRepository(EntityManager entityManager) {
		this.entityManager = entityManager;
	}

	@Nullable InboxCursorEntity cursor(String userId) {
		return this.entityManager.find(InboxCursorEntity.class, userId);
	}

	/**
	 * Insert new events in JDBC batches; the persistence context is cleared after each
	 * batch so large pages do not accumulate managed entities.
	 * @param events the events to insert
	 */
	void insert(List<InboxEventEntity> events) {
		Session session = this.entityManager.unwrap(Session.class);
		Integer previous = session.getJdbcBatchSize();
		session.setJdbcBatchSize(INSERT_BATCH);
		try {
			for (int i = 0; i < events.size(); i++) {
				this.entityManager.persist(events.get(i));
				if ((i + 1) % INSERT_BATCH == 0) {
					this.entityManager.flush();
					this.entityManager.clear();
				}
			}
			this.entityManager.flush();
			this.entityManager.clear();
		}
		finally {
			session.setJdbcBatchSize(previous);
		}
	}

	/**
	 * Move the cursor from {@code expected} to {@code lastSeq}, creating it when the
	 * stream starts. Fails if the cursor is not at {@code expected}: another writer moved
	 * it.
	 * @param userId the user whose cursor moves
	 * @param expected the seq the cursor must be at
	 * @param lastSeq the seq the cursor moves to
	 * @param now the time recorded as the last sync
	 */
	void advanceCursor(String userId, long expected, long lastSeq, Instant now) {
		int updated = this.entityManager
			.createQuery("update RealtimeInboxCursor c set c.lastAckSeq = :lastSeq, c.lastSyncedAt = :now "
					+ "where c.userId = :userId and c.lastAckSeq = :expected")
			.setParameter("lastSeq", lastSeq)
			.setParameter("now", now)
			.setParameter("userId", userId)
			.setParameter("expected", expected)
			.executeUpdate();
		if (updated == 0) {
			if (expected != 0 || cursor(userId) != null) {
				throw new IllegalStateException("Inbound cursor of user '" + userId + "' is no longer at seq "
						+ expected + ": another writer stored events for this user");
			}
			this.entityManager.persist(new InboxCursorEntity(userId, lastSeq, now));
		}
	}

	/**
	 * Put the cursor at {@code lastSeq} unconditionally, with no parked events counted.
	 * @param userId the user whose cursor is reset
	 * @param lastSeq the seq the cursor is put at
	 * @param now the time recorded as the last sync
	 */
	void resetCursor(String userId, long lastSeq, Instant now) {
		int updated = this.entityManager
			.createQuery("update RealtimeInboxCursor c set c.lastAckSeq = :lastSeq, c.failedCount = 0, "
					+ "c.lastSyncedAt = :now where c.userId = :userId")
			.setParameter("lastSeq", lastSeq)
			.setParameter("now", now)
			.setParameter("userId", userId)
			.executeUpdate();
		if (updated == 0) {
			this.entityManager.persist(new InboxCursorEntity(userId, lastSeq, now));
		}
	}

	void deleteCursor(String userId) {
		this.entityManager.createQuery("delete from RealtimeInboxCursor c where c.userId = :userId")
			.setParameter("userId", userId)
			.executeUpdate();
	}

	void adjustFailedCount(String userId, long delta) {
		this.entityManager
			.createQuery("update RealtimeInboxCursor c set c.failedCount = c.failedCount + :delta "
					+ "where c.userId = :userId")
			.setParameter("delta", delta)
			.setParameter("userId", userId)
			.executeUpdate();
	}

	List<InboxEventEntity> events(String userId, InboxStatus status, int max) {
		return this.entityManager
			.createQuery("select e from RealtimeInboxEvent e where e.userId = :userId and e.status = :status "
					+ "order by e.seq", InboxEventEntity.class)
			.setParameter("userId", userId)
			.setParameter("status", status)
			.setMaxResults(max)
			.getResultList();
	}

	@Nullable InboxEventEntity event(String userId, long seq) {
		return this.entityManager.find(InboxEventEntity.class, new InboxEventKey(userId, seq));
	}

	int deleteEvent(String userId, long seq, InboxStatus status) {
		return this.entityManager
			.createQuery("delete from RealtimeInboxEvent e where e.userId = :userId and e.seq = :seq "
					+ "and e.status = :status")
			.setParameter("userId", userId)
			.setParameter("seq", seq)
			.setParameter("status", status)
			.executeUpdate();
	}

	int deleteEventsUpTo(String userId, long seq, InboxStatus status) {
		return this.entityManager
			.createQuery("delete from RealtimeInboxEvent e where e.userId = :userId and e.seq <= :seq "
					+ "and e.status = :status")
			.setParameter("userId", userId)
			.setParameter("seq", seq)
			.setParameter("status", status)
			.executeUpdate();
	}

	void deleteEvents(String userId) {
		this.entityManager.createQuery("delete from RealtimeInboxEvent e where e.userId = :userId")
			.setParameter("userId", userId)
			.executeUpdate();
	}

}
