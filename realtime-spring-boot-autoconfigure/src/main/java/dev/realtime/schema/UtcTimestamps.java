package dev.realtime.schema;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.jspecify.annotations.Nullable;

/**
 * How the library's time columns without time zone ({@code timestamp(6)}, on MariaDB
 * {@code datetime(6)}) hold an {@link Instant}: in UTC, whatever the zone of the JVM or
 * of the database session.
 */
public final class UtcTimestamps {

	private UtcTimestamps() {
	}

	/**
	 * Return the value a time column is written with.
	 * @param instant the time
	 * @return the time in UTC, without zone, or {@code null}
	 */
	public static @Nullable LocalDateTime toColumn(@Nullable Instant instant) {
		return (instant != null) ? LocalDateTime.ofInstant(instant, ZoneOffset.UTC) : null;
	}

	/**
	 * Read a time column written by {@link #toColumn(Instant)}.
	 * @param rs the result set, on the row to read
	 * @param column the column
	 * @return the time, or {@code null}
	 * @throws SQLException if the column cannot be read
	 */
	public static @Nullable Instant read(ResultSet rs, String column) throws SQLException {
		LocalDateTime value = rs.getObject(column, LocalDateTime.class);
		return (value != null) ? value.toInstant(ZoneOffset.UTC) : null;
	}

	/**
	 * Read a time column declared {@code not null}.
	 * @param rs the result set, on the row to read
	 * @param column the column
	 * @return the time
	 * @throws SQLException if the column cannot be read or holds {@code null}
	 */
	public static Instant readRequired(ResultSet rs, String column) throws SQLException {
		Instant value = read(rs, column);
		if (value == null) {
			throw new SQLException("Column " + column + " holds null");
		}
		return value;
	}

}
