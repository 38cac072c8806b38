package dev.realtime.hub;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.PrivacySettings;

/**
 * {@link HubStore} over plain JDBC. The SQL is portable between PostgreSQL and H2.
 */
final class JdbcHubStore implements HubStore {

	/** Keeps IN lists well under every driver's parameter limit. */
	private static final int IN_CHUNK = 500;

	private final JdbcTemplate jdbc;

	private final NamedParameterJdbcTemplate named;

	private final ObjectMapper mapper;

	JdbcHubStore(JdbcTemplate jdbc, ObjectMapper mapper) {
		this.jdbc = jdbc;
		this.named = new NamedParameterJdbcTemplate(jdbc);
		this.mapper = mapper;
	}

	@Override
	public void ensureUser(String userId, Instant now) {
		Integer known = this.jdbc.queryForObject("SELECT COUNT(*) FROM hub_user WHERE user_id = ?", Integer.class,
				userId);
		if (known != null && known > 0) {
			return;
		}
		try {
			this.jdbc.update("INSERT INTO hub_user (user_id, created_at) VALUES (?, ?)", userId, timestamp(now));
		}
		catch (DuplicateKeyException ex) {
			// registered concurrently by another connection: that is all we wanted
		}
	}

	@Override
	public String bindClient(String clientId, String userId, Instant now) {
		String owner = clientOwner(clientId);
		if (owner != null) {
			return owner;
		}
		try {
			this.jdbc.update("INSERT INTO hub_client (client_id, user_id, created_at) VALUES (?, ?, ?)", clientId,
					userId, timestamp(now));
			return userId;
		}
		catch (DuplicateKeyException ex) {
			owner = clientOwner(clientId);
			return (owner != null) ? owner : userId;
		}
	}

	private @Nullable String clientOwner(String clientId) {
		List<String> owners = this.jdbc.queryForList("SELECT user_id FROM hub_client WHERE client_id = ?", String.class,
				clientId);
		return owners.isEmpty() ? null : owners.get(0);
	}

	@Override
	public long lockClient(String clientId) {
		List<Long> seqs = this.jdbc.queryForList("SELECT accepted_seq FROM hub_client WHERE client_id = ? FOR UPDATE",
				Long.class, clientId);
		if (seqs.isEmpty()) {
			throw new IllegalStateException("Client '" + clientId + "' is not registered");
		}
		return seqs.get(0);
	}

	@Override
	public void updateAcceptedSeqs(SortedMap<String, Long> acceptedSeqs) {
		List<Object[]> updates = new ArrayList<>(acceptedSeqs.size());
		acceptedSeqs.forEach((client, seq) -> updates.add(new Object[] { seq, client, seq }));
		this.jdbc.batchUpdate("UPDATE hub_client SET accepted_seq = ? WHERE client_id = ? AND accepted_seq < ?",
				updates);
	}

	@Override
	public long acceptedSeq(String clientId) {
		List<Long> seqs = this.jdbc.queryForList("SELECT accepted_seq FROM hub_client WHERE client_id = ?", Long.class,
				clientId);
		return seqs.isEmpty() ? 0 : seqs.get(0);
	}

	@Override
	public Map<Long, String> acceptedKeys(String clientId, Collection<Long> seqs) {
		Map<Long, String> keys = new HashMap<>();
		List<Long> all = List.copyOf(seqs);
		for (int from = 0; from < all.size(); from += IN_CHUNK) {
			MapSqlParameterSource params = new MapSqlParameterSource().addValue("client", clientId)
				.addValue("seqs", all.subList(from, Math.min(all.size(), from + IN_CHUNK)));
			this.named.query(
					"SELECT seq, idempotency_key FROM hub_accepted_event WHERE client_id = :client"
							+ " AND seq IN (:seqs) AND idempotency_key IS NOT NULL",
					params, (RowCallbackHandler) (rs) -> keys.put(rs.getLong(1), rs.getString(2)));
		}
		return keys;
	}

	@Override
	public Set<String> existingKeys(String userId, Collection<String> keys) {
		Set<String> existing = new HashSet<>();
		List<String> all = List.copyOf(keys);
		for (int from = 0; from < all.size(); from += IN_CHUNK) {
			MapSqlParameterSource params = new MapSqlParameterSource().addValue("user", userId)
				.addValue("keys", all.subList(from, Math.min(all.size(), from + IN_CHUNK)));
			existing.addAll(this.named.queryForList(
					"SELECT idempotency_key FROM hub_accepted_event WHERE user_id = :user AND idempotency_key IN (:keys)",
					params, String.class));
		}
		return existing;
	}

	@Override
	public Map<String, Long> reserveSeqs(SortedMap<String, Integer> counts) {
		List<Object[]> updates = new ArrayList<>(counts.size());
		counts.forEach((user, count) -> updates.add(new Object[] { count, user }));
		// executed in the map's sorted order, so row locks are always taken in the same
		// order
		int[] updated = this.jdbc.batchUpdate("UPDATE hub_user SET last_seq = last_seq + ? WHERE user_id = ?", updates);
		for (int i = 0; i < updated.length; i++) {
			if (updated[i] == 0) {
				throw new IllegalStateException("User '" + updates.get(i)[1] + "' is not registered");
			}
		}
		Map<String, Long> first = new HashMap<>();
		List<String> users = List.copyOf(counts.keySet());
		for (int from = 0; from < users.size(); from += IN_CHUNK) {
			MapSqlParameterSource params = new MapSqlParameterSource().addValue("users",
					users.subList(from, Math.min(users.size(), from + IN_CHUNK)));
			this.named.query("SELECT user_id, last_seq FROM hub_user WHERE user_id IN (:users)", params, (rs) -> {
				String user = rs.getString(1);
				int count = Objects.requireNonNull(counts.get(user), () -> "no seqs asked for user '" + user + "'");
				first.put(user, rs.getLong(2) - count + 1);
			});
		}
		return first;
	}

	@Override
	public void insertMessages(List<NewMessage> messages) {
		this.jdbc.batchUpdate(
				"INSERT INTO hub_message (id, event_name, payload, origin_client_id, origin_idempotency_key, created_at)"
						+ " VALUES (?, ?, ?, ?, ?, ?)",
				messages, messages.size(), (ps, m) -> {
					ps.setObject(1, m.id());
					ps.setString(2, m.event());
					ps.setString(3, m.payloadJson());
					ps.setString(4, m.originClientId());
					ps.setString(5, m.originIdempotencyKey());
					ps.setObject(6, timestamp(m.createdAt()));
				});
	}

	@Override
	public void insertStreamEvents(List<NewStreamEvent> events) {
		this.jdbc.batchUpdate("INSERT INTO hub_stream_event (user_id, seq, message_id, created_at) VALUES (?, ?, ?, ?)",
				events, events.size(), (ps, e) -> {
					ps.setString(1, e.userId());
					ps.setLong(2, e.seq());
					ps.setObject(3, e.messageId());
					ps.setObject(4, timestamp(e.createdAt()));
				});
	}

	@Override
	public void insertAcceptedEvents(List<NewAcceptedEvent> events) {
		this.jdbc.batchUpdate(
				"INSERT INTO hub_accepted_event (client_id, seq, user_id, idempotency_key, event_name,"
						+ " message_id, client_timestamp, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
				events, events.size(), (ps, e) -> {
					ps.setString(1, e.clientId());
					ps.setLong(2, e.seq());
					ps.setString(3, e.userId());
					ps.setString(4, e.idempotencyKey());
					ps.setString(5, e.event());
					ps.setObject(6, e.messageId());
					ps.setObject(7, (e.clientTimestamp() != null) ? timestamp(e.clientTimestamp()) : null);
					ps.setObject(8, timestamp(e.acceptedAt()));
				});
	}

	@Override
	public List<StreamEvent> readStream(String userId, long afterSeq, int limit) {
		return this.jdbc.query("SELECT s.seq, m.event_name, m.payload, m.origin_client_id, m.origin_idempotency_key,"
				+ " m.created_at FROM hub_stream_event s JOIN hub_message m ON m.id = s.message_id"
				+ " WHERE s.user_id = ? AND s.seq > ? ORDER BY s.seq LIMIT ?", (rs, row) -> {
					String payload = rs.getString(3);
					EventFrame frame = new EventFrame(rs.getLong(1), rs.getString(4), rs.getString(5), rs.getString(2),
							parse(payload), instant(rs, 6));
					return new StreamEvent(frame, payload.length());
				}, userId, afterSeq, limit);
	}

	@Override
	public UserStream userStream(String userId) {
		List<UserStream> streams = this.jdbc.query("SELECT last_seq, purged_seq FROM hub_user WHERE user_id = ?",
				(rs, row) -> new UserStream(rs.getLong(1), rs.getLong(2)), userId);
		return streams.isEmpty() ? new UserStream(0, 0) : streams.get(0);
	}

	@Override
	public void recordDelivered(String userId, long seq) {
		this.jdbc.update("UPDATE hub_user SET delivered_seq = ? WHERE user_id = ? AND delivered_seq < ?", seq, userId,
				seq);
	}

	@Override
	public List<AcceptedEvent> acceptedEvents(String clientId) {
		return this.jdbc.query(
				"SELECT a.client_id, a.seq, a.user_id, a.idempotency_key, a.event_name, m.payload,"
						+ " a.client_timestamp, a.accepted_at FROM hub_accepted_event a"
						+ " LEFT JOIN hub_message m ON m.id = a.message_id WHERE a.client_id = ? ORDER BY a.seq",
				(rs, row) -> new AcceptedEvent(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
						rs.getString(5), parse(rs.getString(6)), nullableInstant(rs, 7), instant(rs, 8)),
				clientId);
	}

	@Override
	public int purgeBefore(Instant cutoff) {
		OffsetDateTime before = timestamp(cutoff);
		// raise the mark first: a client whose cursor is below it can no longer be
		// replayed
		this.jdbc.update(
				"UPDATE hub_user SET purged_seq = (SELECT MAX(s.seq) FROM hub_stream_event s"
						+ " WHERE s.user_id = hub_user.user_id AND s.created_at < ?) WHERE EXISTS (SELECT 1"
						+ " FROM hub_stream_event s WHERE s.user_id = hub_user.user_id AND s.created_at < ?)",
				before, before);
		int purged = this.jdbc.update("DELETE FROM hub_stream_event WHERE created_at < ?", before);
		this.jdbc.update("DELETE FROM hub_accepted_event WHERE accepted_at < ?", before);
		this.jdbc.update("DELETE FROM hub_message WHERE created_at < ? AND NOT EXISTS"
				+ " (SELECT 1 FROM hub_stream_event s WHERE s.message_id = hub_message.id)", before);
		return purged;
	}

	@Override
	public void saveProfile(String userId, String customJson, Instant now) {
		saveUserRow("hub_user_profile", userId, now, List.of("custom"), customJson);
	}

	@Override
	public void savePrivacy(String userId, PrivacySettings settings, Instant now) {
		saveUserRow("hub_user_privacy", userId, now, List.of("typing_indicators", "read_receipts"),
				settings.typingIndicators(), settings.readReceipts());
	}

	/**
	 * Replace a user's row of a table keyed by {@code user_id} with an
	 * {@code updated_at}, inserting it when the user has none (an update then an insert:
	 * portable, where an upsert's syntax is not).
	 * @param table the table, one of this class's constants
	 * @param userId the user
	 * @param now the time recorded as the update's
	 * @param columns the columns set, besides {@code user_id} and {@code updated_at}
	 * @param values their values, in order
	 */
	private void saveUserRow(String table, String userId, Instant now, List<String> columns, Object... values) {
		List<Object> updateArgs = new ArrayList<>(List.of(values));
		updateArgs.add(timestamp(now));
		updateArgs.add(userId);
		String update = "UPDATE " + table + " SET " + String.join(" = ?, ", columns)
				+ " = ?, updated_at = ? WHERE user_id = ?";
		if (this.jdbc.update(update, updateArgs.toArray()) > 0) {
			return;
		}
		List<Object> insertArgs = new ArrayList<>();
		insertArgs.add(userId);
		insertArgs.addAll(List.of(values));
		insertArgs.add(timestamp(now));
		try {
			this.jdbc.update("INSERT INTO " + table + " (user_id, " + String.join(", ", columns) + ", updated_at)"
					+ " VALUES (?" + ", ?".repeat(columns.size() + 1) + ")", insertArgs.toArray());
		}
		catch (DuplicateKeyException ex) {
			// inserted concurrently by another connection of the user: the last one wins
			this.jdbc.update(update, updateArgs.toArray());
		}
	}

	@Override
	public @Nullable String findProfile(String userId) {
		List<String> custom = this.jdbc.queryForList("SELECT custom FROM hub_user_profile WHERE user_id = ?",
				String.class, userId);
		return custom.isEmpty() ? null : custom.get(0);
	}

	@Override
	public @Nullable PrivacySettings findPrivacy(String userId) {
		List<PrivacySettings> settings = this.jdbc.query(
				"SELECT typing_indicators, read_receipts FROM hub_user_privacy WHERE user_id = ?",
				(rs, row) -> new PrivacySettings(rs.getBoolean(1), rs.getBoolean(2)), userId);
		return settings.isEmpty() ? null : settings.get(0);
	}

	@Override
	public void addRoomMember(String room, String userId, Instant now) {
		try {
			this.jdbc.update("INSERT INTO hub_room_member (room, user_id, joined_at) VALUES (?, ?, ?)", room, userId,
					timestamp(now));
		}
		catch (DuplicateKeyException ex) {
			// joined concurrently by another connection of the user: that is all we
			// wanted
		}
	}

	@Override
	public Map<String, Set<String>> roomMembers() {
		Map<String, Set<String>> members = new HashMap<>();
		this.jdbc.query("SELECT room, user_id FROM hub_room_member",
				(RowCallbackHandler) (rs) -> members.computeIfAbsent(rs.getString(1), (room) -> new HashSet<>())
					.add(rs.getString(2)));
		return members;
	}

	@Override
	public Set<String> roomMembers(String room) {
		return new HashSet<>(
				this.jdbc.queryForList("SELECT user_id FROM hub_room_member WHERE room = ?", String.class, room));
	}

	@Override
	public Set<String> roomMates(String userId) {
		return new HashSet<>(this.jdbc.queryForList("SELECT DISTINCT other.user_id FROM hub_room_member own"
				+ " JOIN hub_room_member other ON other.room = own.room"
				+ " WHERE own.user_id = ? AND other.user_id <> own.user_id", String.class, userId));
	}

	private JsonNode parse(@Nullable String json) {
		return (json != null) ? this.mapper.readTree(json) : JsonNodeFactory.instance.objectNode();
	}

	private static OffsetDateTime timestamp(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	private static Instant instant(ResultSet rs, int column) throws SQLException {
		Instant instant = nullableInstant(rs, column);
		if (instant == null) {
			throw new IllegalStateException("Column " + column + " must not be null");
		}
		return instant;
	}

	private static @Nullable Instant nullableInstant(ResultSet rs, int column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
