package dev.realtime.outbox;

import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;

/**
 * A user's client id, kept in {@code realtime_client} so that every instance of the
 * application and every restart speak for the user with the same id: read on first use,
 * or created there when the user has none yet.
 */
final class OutboxClientId {

	private final UserRows rows;

	private volatile @Nullable String clientId;

	OutboxClientId(UserRows rows) {
		this.rows = rows;
	}

	/**
	 * Return the user's client id, reading or creating its row on first use.
	 * @return the client id
	 */
	String get() {
		String id = this.clientId;
		if (id == null) {
			id = loadOrCreate();
			this.clientId = id;
		}
		return id;
	}

	/**
	 * Forget the id read: the user's row was deleted.
	 */
	void forget() {
		this.clientId = null;
	}

	private String loadOrCreate() {
		Optional<String> existing = find();
		if (existing.isPresent()) {
			return existing.get();
		}
		try {
			String created = UUID.randomUUID().toString();
			this.rows.transaction()
				.executeWithoutResult((status) -> this.rows.repository().createClient(this.rows.userId(), created));
			return created;
		}
		catch (DataAccessException ex) {
			// another instance created the row at the same moment: read its client id
			return find().orElseThrow(() -> ex);
		}
	}

	private Optional<String> find() {
		return this.rows.transaction()
			.execute((status) -> Optional.ofNullable(this.rows.repository().findClientId(this.rows.userId())));
	}

}
