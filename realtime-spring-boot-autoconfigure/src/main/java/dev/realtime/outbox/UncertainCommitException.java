package dev.realtime.outbox;

import java.sql.SQLException;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The commit of a group of events failed: it may or may not have happened.
 */
final class UncertainCommitException extends DataAccessResourceFailureException {

	UncertainCommitException(SQLException cause) {
		super("The commit of outbound events failed: " + cause.getMessage(), cause);
	}

}
