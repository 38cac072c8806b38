package dev.realtime.receipts;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ReceiptStore} in memory: without a database, or with
 * {@code realtime.outbox.store=memory}; receipts are lost on restart.
 */
public class InMemoryReceiptStore implements ReceiptStore {

	/** Receipts by owner and message, then by reader. */
	private final Map<Key, Map<String, ReadReceipt>> receipts = new ConcurrentHashMap<>();

	@Override
	public boolean save(String ownerUserId, ReadReceipt receipt) {
		return this.receipts
			.computeIfAbsent(new Key(ownerUserId, receipt.messageId()), (key) -> new ConcurrentHashMap<>())
			.putIfAbsent(receipt.userId(), receipt) == null;
	}

	@Override
	public List<ReadReceipt> findByMessage(String ownerUserId, String messageId) {
		return this.receipts.getOrDefault(new Key(ownerUserId, messageId), Map.of())
			.values()
			.stream()
			.sorted(Comparator.comparing(ReadReceipt::readAt).thenComparing(ReadReceipt::userId))
			.toList();
	}

	@Override
	public boolean exists(String ownerUserId, String messageId, String readerUserId) {
		return this.receipts.getOrDefault(new Key(ownerUserId, messageId), Map.of()).containsKey(readerUserId);
	}

	@Override
	public void deleteAll(String ownerUserId) {
		this.receipts.keySet().removeIf((key) -> key.ownerUserId().equals(ownerUserId));
	}

	private record Key(String ownerUserId, String messageId) {
	}

}
