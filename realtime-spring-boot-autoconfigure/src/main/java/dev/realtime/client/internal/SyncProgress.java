package dev.realtime.client.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.realtime.client.Subscription;
import dev.realtime.client.SyncCompletedEvent;
import dev.realtime.client.SyncStatus;
import dev.realtime.protocol.ResumeResponseFrame;

/**
 * The {@link SyncStatus} the default client keeps: a catch-up starts with the first
 * {@code resume_response} of a connection (or the first after the previous catch-up
 * ended) and completes with the page whose {@code has_more} is false, when a
 * {@link SyncCompletedEvent} is published. The client reports {@code CONNECTED} after the
 * first page; this tells "caught up" from "still paging".
 */
final class SyncProgress implements SyncStatus {

	private static final Log logger = LogFactory.getLog(SyncProgress.class);

	private final Clock clock;

	private final List<Consumer<SyncCompletedEvent>> listeners = new CopyOnWriteArrayList<>();

	private volatile boolean caughtUp;

	private volatile @Nullable SyncCompletedEvent lastCompleted;

	private volatile @Nullable Instant lastResetAt;

	// --- confined to the client's event loop ---

	private int pages;

	private boolean reset;

	SyncProgress(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Record a page of the catch-up, after its events were handed to the inbound store.
	 * @param userId the client's user
	 * @param firstOfConnection whether it is the first page since the connection opened
	 * @param page the page
	 */
	void pageReceived(String userId, boolean firstOfConnection, ResumeResponseFrame page) {
		if (firstOfConnection || this.caughtUp) {
			this.pages = 0;
			this.reset = false;
			this.caughtUp = false;
		}
		this.pages++;
		if (page.reset()) {
			this.reset = true;
			this.lastResetAt = this.clock.instant();
		}
		if (page.hasMore()) {
			return;
		}
		SyncCompletedEvent completed = new SyncCompletedEvent(userId, this.pages, this.reset, this.clock.instant());
		this.lastCompleted = completed;
		this.caughtUp = true;
		for (Consumer<SyncCompletedEvent> listener : this.listeners) {
			try {
				listener.accept(completed);
			}
			catch (RuntimeException ex) {
				logger.warn("Sync completed listener failed", ex);
			}
		}
	}

	@Override
	public boolean isCaughtUp() {
		return this.caughtUp;
	}

	@Override
	public @Nullable SyncCompletedEvent lastCompleted() {
		return this.lastCompleted;
	}

	@Override
	public @Nullable Instant lastResetAt() {
		return this.lastResetAt;
	}

	@Override
	public Subscription onCompleted(Consumer<SyncCompletedEvent> listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

}
