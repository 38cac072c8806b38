package dev.realtime.receipts;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionOperations;

import dev.realtime.schema.UtcTimestamps;

/**
 * A {@link ReceiptStore} in the application's database through plain JDBC (table
 * {@code realtime_read_receipt}, created by the library's migration
 * {@code V3__receipts.sql}), so receipts survive restarts. Writes join the caller's
 * transaction when there is one: with a transactional inbox, a receipt is stored together
 * with the removal of its event from the inbox.
 */
public class JdbcReceiptStore implements ReceiptStore {

	private static final String KEY = "owner_user_id = ? and message_id = ? and reader_user_id = ?";

	private final JdbcTemplate jdbc;

	private final TransactionOperations transactions;

	/**
	 * Create a store.
	 * @param dataSource the database that holds the receipt table
	 * @param transactions runs the store's work in transactions of that database
	 */
	public JdbcReceiptStore(DataSource dataSource, TransactionOperations transactions) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = transactions;
	}

	@Override
	public boolean save(String ownerUserId, ReadReceipt receipt) {
		Boolean saved = this.transactions.execute((status) -> {
			if (exists(ownerUserId, receipt.messageId(), receipt.userId())) {
				return false;
			}
			// a duplicate's insert would fail, and on PostgreSQL abort the caller's
			// transaction with it: looked up first
			this.jdbc.update(
					"insert into realtime_read_receipt (owner_user_id, message_id, reader_user_id, "
							+ "channel_id, read_at) values (?, ?, ?, ?, ?)",
					ownerUserId, receipt.messageId(), receipt.userId(), receipt.channelId(),
					UtcTimestamps.toColumn(receipt.readAt()));
			return true;
		});
		return Boolean.TRUE.equals(saved);
	}

	@Override
	public List<ReadReceipt> findByMessage(String ownerUserId, String messageId) {
		List<ReadReceipt> receipts = this.transactions.execute((status) -> this.jdbc.query(
				"select message_id, channel_id, reader_user_id, read_at from realtime_read_receipt "
						+ "where owner_user_id = ? and message_id = ? order by read_at, reader_user_id",
				(rs, row) -> new ReadReceipt(rs.getString("message_id"), rs.getString("channel_id"),
						rs.getString("reader_user_id"), UtcTimestamps.readRequired(rs, "read_at")),
				ownerUserId, messageId));
		return (receipts != null) ? receipts : List.of();
	}

	@Override
	public boolean exists(String ownerUserId, String messageId, String readerUserId) {
		Boolean found = this.transactions.execute(
				(status) -> !this.jdbc
					.queryForList("select 1 from realtime_read_receipt where " + KEY, Integer.class, ownerUserId,
							messageId, readerUserId)
					.isEmpty());
		return Boolean.TRUE.equals(found);
	}

	@Override
	public void deleteAll(String ownerUserId) {
		this.transactions.executeWithoutResult(
				(status) -> this.jdbc.update("delete from realtime_read_receipt where owner_user_id = ?", ownerUserId));
	}

}
