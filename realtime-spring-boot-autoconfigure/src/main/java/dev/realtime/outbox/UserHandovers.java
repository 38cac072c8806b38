package dev.realtime.outbox;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.UserProfile;
import dev.realtime.client.spi.UserAssignments.Listener;

/**
 * How {@link JdbcUserAssignments} tells the application which users this instance runs:
 * the profile of a user taken over is read back, a listener that fails is logged and
 * never stops the poll, and the clients of users given up are stopped off the polling
 * thread, so that a slow stop never holds up the renewal of the other leases (they would
 * expire meanwhile).
 */
final class UserHandovers {

	/** Logs under the assignments' name, where the users' other messages are. */
	private static final Log logger = LogFactory.getLog(JdbcUserAssignments.class);

	/** Threads stopping the clients of users handed over, in parallel. */
	private static final int HANDOVER_THREADS = 4;

	private final ObjectMapper mapper;

	/**
	 * Stops the clients of users given up: a few threads, whatever the number of users.
	 */
	private final ExecutorService handover = Executors.newFixedThreadPool(HANDOVER_THREADS, (task) -> {
		Thread thread = new Thread(task, "realtime-handover");
		thread.setDaemon(true);
		return thread;
	});

	UserHandovers(ObjectMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Run a hand-over off the polling thread.
	 * @param handover stops a user's client and releases its lease
	 */
	void later(Runnable handover) {
		this.handover.execute(handover);
	}

	/**
	 * Let the hand-overs under way finish: their clients stop before their leases go.
	 */
	void finish() {
		this.handover.shutdown();
		awaitTermination(this.handover, 60);
	}

	/**
	 * Tell the listener that this instance runs a user.
	 * @param current the listener
	 * @param profile the user's profile
	 * @return whether the listener took it
	 */
	boolean assigned(Listener current, UserProfile profile) {
		try {
			current.assigned(profile);
			return true;
		}
		catch (RuntimeException ex) {
			logger.error("Could not start realtime user '" + profile.id() + "' here; giving it back", ex);
			return false;
		}
	}

	/**
	 * Read the profile of a shared user this instance took.
	 * @param user the user taken
	 * @return the profile, or {@code null} (logged) when the user has none of its own
	 */
	@Nullable UserProfile profile(AssignmentRepository.Claimed user) {
		String json = user.profile();
		try {
			UserProfile profile = (json != null) ? this.mapper.readValue(json, UserProfile.class) : null;
			if (profile != null && profile.id().equals(user.userId())) {
				return profile;
			}
			logger.error("Realtime user '" + user.userId() + "' has no profile of its own, giving it back");
		}
		catch (JacksonException ex) {
			logger.error("Realtime user '" + user.userId() + "' has no readable profile, giving it back: "
					+ ex.getMessage());
		}
		return null;
	}

	/**
	 * Tell the listener that this instance no longer runs a user.
	 * @param current the listener
	 * @param userId the user
	 */
	void revoked(Listener current, String userId) {
		try {
			current.revoked(userId);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not stop realtime user '" + userId + "' before handing it over: " + ex.getMessage(), ex);
		}
	}

	static void awaitTermination(ExecutorService executor, long seconds) {
		try {
			executor.awaitTermination(seconds, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
