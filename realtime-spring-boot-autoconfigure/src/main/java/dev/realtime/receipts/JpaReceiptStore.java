package dev.realtime.receipts;

import java.util.List;

import jakarta.persistence.EntityManager;
import org.springframework.transaction.support.TransactionOperations;

/**
 * A {@link ReceiptStore} in the application's database (table
 * {@code realtime_read_receipt}, created by the library's migration
 * {@code V3__receipts.sql}), so receipts survive restarts. Writes join the caller's
 * transaction when there is one: with a transactional inbox, a receipt is stored together
 * with the removal of its event from the inbox.
 */
public class JpaReceiptStore implements ReceiptStore {

	private final EntityManager entityManager;

	private final TransactionOperations transactions;

	/**
	 * Create a store.
	 * @param entityManager a shared, transaction-bound entity manager of the persistence
	 * unit that holds the receipt entity
	 * @param transactions runs the store's work in transactions of that persistence unit
	 */
	public JpaReceiptStore(EntityManager entityManager, TransactionOperations transactions) {
		this.entityManager = entityManager;
		this.transactions = transactions;
	}

	@Override
	public boolean save(String ownerUserId, ReadReceipt receipt) {
		Boolean saved = this.transactions.execute((status) -> {
			ReceiptKey key = new ReceiptKey(ownerUserId, receipt.messageId(), receipt.userId());
			if (this.entityManager.find(ReceiptEntity.class, key) != null) {
				return false;
			}
			this.entityManager.persist(new ReceiptEntity(ownerUserId, receipt));
			return true;
		});
		return Boolean.TRUE.equals(saved);
	}

	@Override
	public List<ReadReceipt> findByMessage(String ownerUserId, String messageId) {
		List<ReadReceipt> receipts = this.transactions.execute((status) -> this.entityManager
			.createQuery("select r from RealtimeReadReceipt r where r.ownerUserId = :owner and r.messageId = :message "
					+ "order by r.readAt, r.readerUserId", ReceiptEntity.class)
			.setParameter("owner", ownerUserId)
			.setParameter("message", messageId)
			.getResultList()
			.stream()
			.map(ReceiptEntity::toReceipt)
			.toList());
		return (receipts != null) ? receipts : List.of();
	}

	@Override
	public boolean exists(String ownerUserId, String messageId, String readerUserId) {
		Boolean found = this.transactions.execute((status) -> this.entityManager.find(ReceiptEntity.class,
				new ReceiptKey(ownerUserId, messageId, readerUserId)) != null);
		return Boolean.TRUE.equals(found);
	}

	@Override
	public void deleteAll(String ownerUserId) {
		this.transactions.executeWithoutResult((status) -> this.entityManager
			.createQuery("delete from RealtimeReadReceipt r where r.ownerUserId = :owner")
			.setParameter("owner", ownerUserId)
			.executeUpdate());
	}

}
