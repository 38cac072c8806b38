package dev.realtime.outbox;

import java.util.List;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.TypedQuery;
import org.hibernate.Session;
import org.hibernate.Timeouts;
import org.jspecify.annotations.Nullable;

/**
 * Queries of the outbox tables on the shared, transaction-bound {@link EntityManager}. Every
 * method runs in the caller's transaction; the callers draw the transaction boundaries.
 */
class OutboxRepository {

	private static final String LOCK_TIMEOUT_HINT = "jakarta.persistence.lock.timeout";

	private final EntityManager entityManager;

	OutboxRepository(EntityManager entityManager) {
		this.entityManager = entityManager;
	}

	void persist(OutboxEntryEntity entry) {
		this.entityManager.persist(entry);
	}

	@Nullable OutboxClientEntity findClient(String userId) {
		return this.entityManager.find(OutboxClientEntity.class, userId);
	}

	/**
	 * Find and row-lock a user's stream: claims of one user are serialized on it, which keeps
	 * seqs gapless and the relay lease single-owner.
	 */
	@Nullable OutboxClientEntity lockClient(String userId) {
		return this.entityManager.find(OutboxClientEntity.class, userId, LockModeType.PESSIMISTIC_WRITE);
	}

	void createClient(OutboxClientEntity client) {
		this.entityManager.persist(client);
		this.entityManager.flush();
	}

	/**
	 * Lock up to {@code max} pending rows nobody holds an unexpired lease on, skipping rows
	 * other transactions have locked: resends (with a seq) in seq order, or new rows by id.
	 */
	List<OutboxEntryEntity> lockClaimable(String userId, boolean resends, long now, int max) {
		String jpql = "select e from OutboxEntryEntity e where e.userId = :userId and e.status = :status and "
				+ (resends ? "e.seq is not null" : "e.seq is null")
				+ " and (e.leaseUntil is null or e.leaseUntil < :now) order by " + (resends ? "e.seq" : "e.id");
		return this.entityManager.createQuery(jpql, OutboxEntryEntity.class)
			.setParameter("userId", userId)
			.setParameter("status", OutboxStatus.PENDING)
			.setParameter("now", now)
			.setMaxResults(max)
			.setLockMode(LockModeType.PESSIMISTIC_WRITE)
			.setHint(LOCK_TIMEOUT_HINT, Timeouts.SKIP_LOCKED_MILLI)
			.getResultList();
	}

	/**
	 * Let the next flush send up to {@code size} statements in one JDBC batch.
	 */
	void batchUpdates(int size) {
		this.entityManager.unwrap(Session.class).setJdbcBatchSize(Math.max(1, size));
	}

	int deleteAcked(String userId, long ackSeq) {
		return this.entityManager
			.createQuery("delete from OutboxEntryEntity e where e.userId = :userId and e.status = :status"
					+ " and e.seq <= :ackSeq")
			.setParameter("userId", userId)
			.setParameter("status", OutboxStatus.PENDING)
			.setParameter("ackSeq", ackSeq)
			.executeUpdate();
	}

	int markDead(String userId, long seq, String code, String message, long now) {
		return this.entityManager
			.createQuery("update OutboxEntryEntity e set e.status = :dead, e.errorCode = :code,"
					+ " e.lastError = :message, e.deadAt = :now, e.leaseOwner = null, e.leaseUntil = null"
					+ " where e.userId = :userId and e.status = :pending and e.seq = :seq")
			.setParameter("dead", OutboxStatus.DEAD)
			.setParameter("code", truncate(code, 64))
			.setParameter("message", truncate(message, 1000))
			.setParameter("now", now)
			.setParameter("userId", userId)
			.setParameter("pending", OutboxStatus.PENDING)
			.setParameter("seq", seq)
			.executeUpdate();
	}

	int releaseLeases(String userId, String owner) {
		return this.entityManager
			.createQuery("update OutboxEntryEntity e set e.leaseOwner = null, e.leaseUntil = null"
					+ " where e.userId = :userId and e.status = :pending and e.leaseOwner = :owner")
			.setParameter("userId", userId)
			.setParameter("pending", OutboxStatus.PENDING)
			.setParameter("owner", owner)
			.executeUpdate();
	}

	/**
	 * The creation time of a user's oldest pending row: the lowest id, found through the relay's
	 * index instead of scanning created_at.
	 */
	@Nullable Long oldestPendingCreatedAtMicros(String userId) {
		List<Long> oldest = this.entityManager
			.createQuery("select e.createdAt from OutboxEntryEntity e where e.userId = :userId and e.status = :status"
					+ " order by e.id", Long.class)
			.setParameter("userId", userId)
			.setParameter("status", OutboxStatus.PENDING)
			.setMaxResults(1)
			.getResultList();
		return oldest.isEmpty() ? null : oldest.get(0);
	}

	long count(String userId, OutboxStatus status) {
		return this.entityManager
			.createQuery("select count(e) from OutboxEntryEntity e where e.userId = :userId and e.status = :status",
					Long.class)
			.setParameter("userId", userId)
			.setParameter("status", status)
			.getSingleResult();
	}

	void deleteUser(String userId) {
		this.entityManager.createQuery("delete from OutboxEntryEntity e where e.userId = :userId")
			.setParameter("userId", userId)
			.executeUpdate();
		this.entityManager.createQuery("delete from OutboxClientEntity c where c.userId = :userId")
			.setParameter("userId", userId)
			.executeUpdate();
	}

	List<OutboxEntryEntity> findDead(String userId, int offset, int limit) {
		TypedQuery<OutboxEntryEntity> query = this.entityManager
			.createQuery("select e from OutboxEntryEntity e where e.userId = :userId and e.status = :dead"
					+ " order by e.id", OutboxEntryEntity.class)
			.setParameter("userId", userId)
			.setParameter("dead", OutboxStatus.DEAD);
		return query.setFirstResult(offset).setMaxResults(limit).getResultList();
	}

	/**
	 * Make a dead letter pending again without a seq: the hub counted its old seq, so it is
	 * sent as a new event (same idempotency key) with the next seq of the stream.
	 */
	int revive(String userId, long id) {
		return this.entityManager
			.createQuery("update OutboxEntryEntity e set e.status = :pending, e.seq = null, e.attempts = 0,"
					+ " e.errorCode = null, e.lastError = null, e.deadAt = null"
					+ " where e.userId = :userId and e.id = :id and e.status = :dead")
			.setParameter("pending", OutboxStatus.PENDING)
			.setParameter("userId", userId)
			.setParameter("id", id)
			.setParameter("dead", OutboxStatus.DEAD)
			.executeUpdate();
	}

	int deleteDead(String userId, long id) {
		return this.entityManager
			.createQuery("delete from OutboxEntryEntity e where e.userId = :userId and e.id = :id"
					+ " and e.status = :dead")
			.setParameter("userId", userId)
			.setParameter("id", id)
			.setParameter("dead", OutboxStatus.DEAD)
			.executeUpdate();
	}

	private static String truncate(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max);
	}

}
