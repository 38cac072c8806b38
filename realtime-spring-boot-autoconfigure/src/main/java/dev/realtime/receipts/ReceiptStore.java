package dev.realtime.receipts;

import java.util.List;

/**
 * Where a user's client keeps the read receipts it learned of. Each client user (the
 * owner) has receipts of its own, even when several share one store.
 */
public interface ReceiptStore {

	/**
	 * Store a receipt unless the owner already has one of that reader for that message.
	 * @param ownerUserId the client's user
	 * @param receipt the receipt
	 * @return whether it was new
	 */
	boolean save(String ownerUserId, ReadReceipt receipt);

	/**
	 * Return the owner's receipts of a message, oldest first.
	 * @param ownerUserId the client's user
	 * @param messageId the message
	 * @return the receipts
	 */
	List<ReadReceipt> findByMessage(String ownerUserId, String messageId);

	/**
	 * Return whether the owner has a receipt of the reader for the message.
	 * @param ownerUserId the client's user
	 * @param messageId the message
	 * @param readerUserId the reader
	 * @return whether the reader read the message
	 */
	boolean exists(String ownerUserId, String messageId, String readerUserId);

	/**
	 * Delete every receipt the owner has, its own and those of other readers: the owner's
	 * local persistence is flushed ({@code disconnect(true)}).
	 * @param ownerUserId the client's user
	 */
	void deleteAll(String ownerUserId);

}
