package dev.realtime.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.realtime.auth.TokenSource.IssuedToken;

/**
 * A {@link TokenProvider} that keeps a token from a {@link TokenSource} in memory and
 * refreshes it ahead of its expiry (from the issuer's {@code expires_in} or the JWT
 * {@code exp} claim, whichever is earlier), so a handshake never waits for the issuer. A
 * token that is already expired or was {@linkplain #invalidate(String) rejected} is
 * refreshed on demand. Concurrent refreshes coalesce into one request to the source.
 */
public class RefreshingTokenProvider implements TokenProvider, AutoCloseable {

	private static final Log logger = LogFactory.getLog(RefreshingTokenProvider.class);

	/**
	 * Below this, a failed proactive refresh is not retried: the next handshake
	 * refreshes.
	 */
	private static final Duration MIN_RETRY = Duration.ofMillis(100);

	private final String description;

	private final TokenSource source;

	private final Duration refreshBeforeExpiry;

	private final Clock clock;

	private final ScheduledThreadPoolExecutor scheduler;

	/** Refreshes by outcome, indexed by the outcome's ordinal. */
	private final AtomicLongArray counts = new AtomicLongArray(RefreshOutcome.values().length);

	private final Object lock = new Object();

	// guarded by lock
	private @Nullable IssuedToken current;

	// guarded by lock
	private @Nullable CompletableFuture<IssuedToken> refreshing;

	// guarded by lock
	private @Nullable ScheduledFuture<?> scheduledRefresh;

	/**
	 * Create a provider. It fetches nothing until the first {@link #getToken()}.
	 * @param description what the tokens come from, for messages (no secrets)
	 * @param source fetches new tokens
	 * @param refreshBeforeExpiry how long before expiry to refresh
	 * @param clock the clock expiries are compared with
	 */
	public RefreshingTokenProvider(String description, TokenSource source, Duration refreshBeforeExpiry, Clock clock) {
		if (refreshBeforeExpiry.isNegative()) {
			throw new IllegalArgumentException("refreshBeforeExpiry must not be negative");
		}
		this.description = description;
		this.source = source;
		this.refreshBeforeExpiry = refreshBeforeExpiry;
		this.clock = clock;
		this.scheduler = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "realtime-token-refresh");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	@Override
	public String getToken() {
		IssuedToken token;
		synchronized (this.lock) {
			token = this.current;
		}
		if (token != null && !isExpired(token)) {
			return token.value();
		}
		return refresh(token).value();
	}

	@Override
	public void invalidate(@Nullable String rejected) {
		synchronized (this.lock) {
			// a token refreshed since the handshake is not the one the hub rejected
			if (this.current != null && this.current.value().equals(rejected)) {
				this.current = null;
			}
		}
	}

	/**
	 * Return how many refreshes ended with an outcome.
	 * @param outcome the outcome
	 * @return the count since this provider was created
	 */
	public long refreshCount(RefreshOutcome outcome) {
		return this.counts.get(outcome.ordinal());
	}

	/**
	 * Stop refreshing and forget the token.
	 */
	@Override
	public void close() {
		this.scheduler.shutdownNow();
		synchronized (this.lock) {
			this.current = null;
		}
	}

	/**
	 * Return a token newer than {@code stale}: the one another thread has just fetched,
	 * the one a refresh under way will bring, or a new one fetched by this thread.
	 * @param stale the token the caller found too old, if any
	 * @return a token newer than {@code stale}
	 */
	private IssuedToken refresh(@Nullable IssuedToken stale) {
		CompletableFuture<IssuedToken> pending;
		boolean fetchHere = false;
		synchronized (this.lock) {
			IssuedToken token = this.current;
			if (token != null && token != stale && !isExpired(token)) {
				return token;
			}
			if (this.refreshing == null) {
				this.refreshing = new CompletableFuture<>();
				fetchHere = true;
			}
			pending = this.refreshing;
		}
		if (fetchHere) {
			fetch(pending);
		}
		try {
			return pending.get();
		}
		catch (ExecutionException ex) {
			throw (TokenUnavailableException) ex.getCause();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TokenUnavailableException("Interrupted while waiting for a token from " + this.description, false,
					ex);
		}
	}

	private void fetch(CompletableFuture<IssuedToken> pending) {
		logger.debug("Requesting a token from " + this.description);
		IssuedToken token;
		try {
			token = withJwtExpiry(this.source.fetch());
		}
		catch (RuntimeException ex) {
			TokenUnavailableException failure = (ex instanceof TokenUnavailableException unavailable) ? unavailable
					: new TokenUnavailableException(
							"Could not get a token from " + this.description + ": " + ex.getClass().getName(), false,
							ex);
			synchronized (this.lock) {
				this.refreshing = null;
			}
			count(failure.isPermanent() ? RefreshOutcome.PERMANENT_FAILURE : RefreshOutcome.TRANSIENT_FAILURE);
			pending.completeExceptionally(failure);
			return;
		}
		synchronized (this.lock) {
			this.current = token;
			this.refreshing = null;
			scheduleRefresh(token);
		}
		count(RefreshOutcome.SUCCESS);
		logger.info("Realtime token refreshed from " + this.description
				+ ((token.expiresAt() != null) ? ", valid until " + token.expiresAt() : ", without expiry"));
		pending.complete(token);
	}

	/**
	 * Schedule the refresh of a new token at {@code refreshBeforeExpiry} ahead of its
	 * expiry, but not before half its lifetime, so short-lived tokens do not cause a
	 * storm of refreshes.
	 * @param token the token just fetched
	 */
	private void scheduleRefresh(IssuedToken token) {
		if (this.scheduledRefresh != null) {
			this.scheduledRefresh.cancel(false);
			this.scheduledRefresh = null;
		}
		Duration lifetime = remaining(token);
		if (lifetime == null || this.scheduler.isShutdown()) {
			return;
		}
		Duration ahead = lifetime.minus(this.refreshBeforeExpiry);
		Duration half = lifetime.dividedBy(2);
		scheduleRefresh(token, (ahead.compareTo(half) > 0) ? ahead : half);
	}

	private void scheduleRefresh(IssuedToken token, Duration delay) {
		this.scheduledRefresh = this.scheduler.schedule(() -> refreshAhead(token), delay.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	private void refreshAhead(IssuedToken token) {
		try {
			refresh(token);
		}
		catch (TokenUnavailableException ex) {
			Duration remaining = remaining(token);
			Duration retry = (remaining != null) ? remaining.dividedBy(2) : Duration.ZERO;
			if (ex.isPermanent() || retry.compareTo(MIN_RETRY) < 0) {
				logger.warn("Could not refresh the token ahead of its expiry: " + ex.getMessage());
				return;
			}
			// the token still works: retry while it does, at halving intervals
			logger.warn("Could not refresh the token ahead of its expiry, retrying in " + retry.toMillis() + " ms: "
					+ ex.getMessage());
			synchronized (this.lock) {
				if (this.current == token && !this.scheduler.isShutdown()) {
					scheduleRefresh(token, retry);
				}
			}
		}
	}

	private IssuedToken withJwtExpiry(IssuedToken token) {
		Instant claimed = JwtExpiry.of(token.value());
		if (claimed == null || (token.expiresAt() != null && token.expiresAt().isBefore(claimed))) {
			return token;
		}
		return new IssuedToken(token.value(), claimed);
	}

	private boolean isExpired(IssuedToken token) {
		return token.expiresAt() != null && !this.clock.instant().isBefore(token.expiresAt());
	}

	private @Nullable Duration remaining(IssuedToken token) {
		Instant expiresAt = token.expiresAt();
		if (expiresAt == null) {
			return null;
		}
		Duration remaining = Duration.between(this.clock.instant(), expiresAt);
		return remaining.isNegative() ? Duration.ZERO : remaining;
	}

	private void count(RefreshOutcome outcome) {
		this.counts.incrementAndGet(outcome.ordinal());
	}

	@Override
	public String toString() {
		IssuedToken token;
		synchronized (this.lock) {
			token = this.current;
		}
		String state = (token != null)
				? "******" + ((token.expiresAt() != null) ? " valid until " + token.expiresAt() : "") : "none";
		return getClass().getSimpleName() + "[" + this.description + ", token=" + state + "]";
	}

}
