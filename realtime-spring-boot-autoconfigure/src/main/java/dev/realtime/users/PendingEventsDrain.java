package dev.realtime.users;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.Subscription;
import dev.realtime.client.internal.DefaultRealtimeClient;

/**
 * The wait of {@code disconnectUser(id, true)} for a user's pending events before its
 * data is deleted.
 */
final class PendingEventsDrain {

	/** Logs under the registry's name, where the users' other messages are. */
	private static final Log logger = LogFactory.getLog(DefaultRealtimeClients.class);

	/** Longest wait between two checks: acks wake the wait, dead letters do not. */
	private static final long FLUSH_CHECK_MILLIS = 100;

	private PendingEventsDrain() {
	}

	/**
	 * Wait until the user's pending events are sent, the client failed for good, or the
	 * timeout passed; warn when events are left.
	 * @param client the user's client
	 * @param timeout the longest wait ({@code realtime.users.flush-timeout})
	 */
	static void await(DefaultRealtimeClient client, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Object acked = new Object();
		try (Subscription subscription = client.onAck((ack) -> {
			synchronized (acked) {
				acked.notifyAll();
			}
		})) {
			synchronized (acked) {
				// a client just asked to connect may not have left DISCONNECTED yet, and
				// a
				// shared user's events may be sent by another instance: only a failed
				// client cannot send any more
				while (hasPending(client) && client.connectionState() != ConnectionState.FAILED) {
					long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
					if (left <= 0) {
						break;
					}
					// acks wake it; dead letters do not, hence the bounded wait
					acked.wait(Math.min(left, FLUSH_CHECK_MILLIS));
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		long left = hasPending(client) ? Math.max(1, client.pendingCount()) : 0;
		if (left > 0) {
			logger.warn("Realtime user '" + client.userId() + "' still had " + left + " pending event(s) after "
					+ timeout + " (realtime.users.flush-timeout); deleting them");
		}
	}

	/**
	 * Whether the user still has events to send. The pending count is kept in memory and
	 * may lag a write that is committing; the oldest pending event is read from the
	 * store.
	 * @param client the user's client
	 * @return whether an event is pending
	 */
	private static boolean hasPending(DefaultRealtimeClient client) {
		return client.pendingCount() > 0 || client.metrics().oldestPendingCreatedAt() != null;
	}

}
