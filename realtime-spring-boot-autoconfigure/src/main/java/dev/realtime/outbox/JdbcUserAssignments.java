package dev.realtime.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.Placement;
import dev.realtime.client.UserProfile;
import dev.realtime.client.spi.UserAssignments;

/**
 * User assignments over the outbox's database, shared by every instance of the
 * application that uses it.
 * <p>
 * Each instance renews a row of {@code realtime_instance} at every poll (timed by the
 * database's clock, expiring after the lease duration), so the instances count the live
 * ones. Shared users are rows of {@code realtime_client} with their profile; each
 * instance takes at most its fair share of them, {@code ceil(shared / live instances)},
 * from the free or expired leases, and gives its surplus back when another instance
 * joins: the listener stops the user's client (its unacked events are resent by the next
 * holder on resume, as after any graceful stop), then the lease is released, so the other
 * instance takes the user at its next poll. A dead instance's users are taken over once
 * their leases expired: within the lease duration plus a poll interval. A pinned user's
 * lease is taken by the instance that registered it and never by another.
 * <p>
 * A poll runs the same statements however many users this instance holds: renew the
 * instance, renew all its leases, count the instances and the shared users, claim what is
 * missing from its share (only while below it), and find the held users with new rows,
 * whose relays are woken. The relays themselves then poll the database only for users
 * that have work. The fencing is unchanged: every claim, ack delete and dead-letter
 * checks the lease's owner and epoch under the user's row lock.
 */
public class JdbcUserAssignments implements UserAssignments, DisposableBean {

	private static final Log logger = LogFactory.getLog(JdbcUserAssignments.class);

	/** Rows of instances that expired longer ago than this are deleted at start. */
	private static final long PURGE_AFTER_MILLIS = TimeUnit.DAYS.toMillis(1);

	private final JdbcOutboundQueueFactory queues;

	private final ObjectMapper mapper;

	private final Duration pollInterval;

	private final String instance;

	private final long leaseMillis;

	/** Users registered on this instance, and where they run. */
	private final Map<String, Registration> registered = new ConcurrentHashMap<>();

	// --- guarded by this ---

	/** The users whose leases this instance holds, and their placement. */
	private final Map<String, Placement> held = new HashMap<>();

	private @Nullable AssignmentRepository repository;

	private volatile @Nullable ScheduledExecutorService executor;

	private final UserHandovers handovers;

	private volatile @Nullable Listener listener;

	/**
	 * Create assignments for the instance whose queues the factory creates.
	 * @param queues the factory of this instance's outbound queues, whose owner id names
	 * this instance
	 * @param mapper writes and reads the users' profiles
	 * @param pollInterval how often to renew and rebalance the leases
	 */
	public JdbcUserAssignments(JdbcOutboundQueueFactory queues, ObjectMapper mapper, Duration pollInterval) {
		this.queues = queues;
		this.mapper = mapper;
		this.handovers = new UserHandovers(mapper);
		this.pollInterval = pollInterval;
		this.instance = queues.owner();
		this.leaseMillis = queues.leaseDuration().toMillis();
	}

	/**
	 * Register a user. A pinned user's lease is taken at once if free (else at a later
	 * poll, once free) and the listener is told at once; a shared user is told to the
	 * instance that takes its lease, at its next poll, or told again at once when this
	 * instance holds it (its profile may have changed).
	 */
	@Override
	public void register(UserProfile profile, Placement placement) {
		String userId = profile.id();
		String json = this.mapper.writeValueAsString(profile);
		RelayLease lease = this.queues.lease(userId);
		boolean tell;
		synchronized (this) {
			repository().register(userId, placement.name(), (placement == Placement.PINNED) ? this.instance : null,
					json);
			this.registered.put(userId, new Registration(profile, placement));
			lease.manage(true);
			if (placement == Placement.PINNED) {
				if (this.held.get(userId) != Placement.PINNED) {
					this.held.remove(userId);
					takePinned(userId, lease);
				}
				tell = true;
			}
			else {
				if (this.held.get(userId) == Placement.PINNED) {
					// shared from now on: counted in the share, given back if beyond it
					this.held.put(userId, Placement.SHARED);
				}
				tell = this.held.containsKey(userId);
			}
		}
		changed(userId);
		Listener current = this.listener;
		if (tell && current != null) {
			current.assigned(profile);
		}
	}

	/**
	 * Unregister a user: its registration is deleted, this instance's listener is told
	 * {@link Listener#revoked revoked} if it runs the user here, and another instance
	 * running it is told at its next poll. The lease is released by the client's
	 * disconnect.
	 */
	@Override
	public void unregister(String userId) {
		boolean ranHere;
		synchronized (this) {
			ranHere = this.registered.remove(userId) != null | this.held.remove(userId) != null;
			repository().unregister(userId, this.instance);
			this.queues.lease(userId).manage(false);
		}
		Listener current = this.listener;
		if (ranHere && current != null) {
			this.handovers.revoked(current, userId);
		}
	}

	@Override
	public void start(Listener listener) {
		ScheduledExecutorService started;
		synchronized (this) {
			if (this.executor != null) {
				throw new IllegalStateException("The user assignments were started already");
			}
			started = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "realtime-assignments");
				thread.setDaemon(true);
				return thread;
			});
			this.executor = started;
		}
		listen(listener);
		started.scheduleWithFixedDelay(this::pollSafely, 0, this.pollInterval.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Tell the listener from now on, without polling yet: the pinned users registered so
	 * far are assigned at once.
	 * @param listener told which users this instance runs
	 */
	void listen(Listener listener) {
		synchronized (this) {
			this.listener = listener;
			repository().purgeInstances(PURGE_AFTER_MILLIS);
		}
		this.registered.values()
			.stream()
			.filter((registration) -> registration.placement() == Placement.PINNED)
			.forEach((registration) -> listener.assigned(registration.profile()));
	}

	/**
	 * Stop polling without giving anything up, as if the instance died: its leases
	 * expire.
	 */
	void halt() {
		ScheduledExecutorService running = this.executor;
		if (running != null) {
			running.shutdownNow();
			UserHandovers.awaitTermination(running, 10);
		}
	}

	@Override
	public void stop() {
		halt();
		synchronized (this) {
			this.executor = null;
			this.listener = null;
		}
	}

	/**
	 * Stop gracefully: the clients of the shared users are stopped, then every lease of
	 * this instance is released and the instance leaves, so the others take over at their
	 * next poll.
	 */
	@Override
	public void destroy() {
		halt();
		// hand-overs under way finish first: their clients stop before their leases go
		this.handovers.finish();
		List<String> shared = new ArrayList<>();
		synchronized (this) {
			if (this.repository == null) {
				return;
			}
			this.held.forEach((userId, placement) -> {
				if (placement == Placement.SHARED) {
					shared.add(userId);
				}
			});
		}
		Listener current = this.listener;
		if (current != null) {
			shared.forEach((userId) -> this.handovers.revoked(current, userId));
		}
		synchronized (this) {
			for (String userId : this.held.keySet()) {
				this.queues.lease(userId).forget();
				changed(userId);
			}
			this.held.clear();
			repository().leave(this.instance);
		}
	}

	/**
	 * Run one poll now, on the caller's thread (tests count its statements).
	 */
	void pollSafely() {
		try {
			poll();
		}
		catch (RuntimeException ex) {
			// the leases last: the next poll tries again
			logger.warn("Could not renew or rebalance the realtime users' leases: " + ex.getMessage(), ex);
		}
	}

	private void poll() {
		List<String> lost = new ArrayList<>();
		List<String> surplus = new ArrayList<>();
		List<AssignmentRepository.Claimed> claimed = new ArrayList<>();
		List<UserProfile> pinned = new ArrayList<>();
		List<String> withNewRows;
		synchronized (this) {
			AssignmentRepository repo = repository();
			repo.heartbeat(this.instance, this.leaseMillis);
			renew(repo, lost, surplus);
			long[] counts = repo.counts();
			long live = Math.max(1, counts[0]);
			int share = (int) ((counts[1] + live - 1) / live);
			int heldShared = (int) this.held.values().stream().filter((p) -> p == Placement.SHARED).count();
			if (heldShared > share) {
				this.held.entrySet()
					.stream()
					.filter((entry) -> entry.getValue() == Placement.SHARED)
					.limit(heldShared - share)
					.forEach((entry) -> surplus.add(entry.getKey()));
				surplus.forEach(this.held::remove);
			}
			else if (heldShared < share) {
				claimed.addAll(claim(repo, share - heldShared));
			}
			takeFreedPinned(pinned);
			withNewRows = repo.withNewRows(this.instance);
		}
		Listener current = this.listener;
		for (String userId : lost) {
			logger.warn("Lost the lease of realtime user '" + userId + "' to another instance");
			if (current != null) {
				this.handovers.later(() -> this.handovers.revoked(current, userId));
			}
		}
		for (String userId : surplus) {
			logger.info(
					"Stopping realtime user '" + userId + "' here: beyond this instance's fair share, or unregistered");
			// the lease stays renewed (it is still this instance's) until it is released
			this.handovers.later(() -> {
				if (current != null) {
					this.handovers.revoked(current, userId);
				}
				this.queues.lease(userId).release();
				changed(userId);
			});
		}
		for (AssignmentRepository.Claimed user : claimed) {
			assign(current, user);
		}
		for (UserProfile profile : pinned) {
			changed(profile.id());
			if (current != null) {
				this.handovers.assigned(current, profile);
			}
		}
		for (String userId : withNewRows) {
			JdbcOutboundQueue queue = this.queues.existing(userId);
			if (queue != null) {
				queue.freshRows();
			}
		}
	}

	/**
	 * Renew every lease this instance holds, and forget the ones it no longer holds.
	 * @param repo the repository
	 * @param lost told the users whose leases this instance no longer holds
	 * @param unregistered told the users it holds that were unregistered elsewhere
	 */
	private void renew(AssignmentRepository repo, List<String> lost, List<String> unregistered) {
		Set<String> renewed = new HashSet<>();
		for (AssignmentRepository.Held lease : repo.renewAll(this.instance, this.leaseMillis)) {
			RelayLease known = this.queues.lease(lease.userId());
			if (known.epoch() != lease.epoch()) {
				if (known.isManaged() || this.queues.existing(lease.userId()) == null) {
					// an earlier process's, under this id: nobody here relays it (a
					// queue that leases by itself may be taking it right now); what it
					// sent is unknown here, so the bound of acks stays
					this.queues.repository().releaseLease(lease.userId(), this.instance, lease.epoch(), 0);
				}
				continue;
			}
			renewed.add(lease.userId());
			if (lease.placement() == null && this.held.remove(lease.userId()) != null) {
				// given up like a surplus: the client stops, then the lease is released
				unregistered.add(lease.userId());
			}
		}
		for (String userId : new ArrayList<>(this.held.keySet())) {
			if (!renewed.contains(userId)) {
				this.held.remove(userId);
				this.queues.lease(userId).forget();
				changed(userId);
				lost.add(userId);
			}
		}
	}

	private List<AssignmentRepository.Claimed> claim(AssignmentRepository repo, int max) {
		TransactionTemplate transaction = this.queues.transaction();
		List<AssignmentRepository.Claimed> claimed = transaction
			.execute((status) -> repo.claimShared(this.instance, this.leaseMillis, max));
		if (claimed == null) {
			return List.of();
		}
		for (AssignmentRepository.Claimed user : claimed) {
			RelayLease lease = this.queues.lease(user.userId());
			lease.manage(true);
			lease.grant(user.epoch(), user.sentSeq());
			this.held.put(user.userId(), Placement.SHARED);
		}
		return claimed;
	}

	/**
	 * Tell the listener of a shared user this instance took, or give the user back if its
	 * profile cannot be read.
	 * @param current the listener, if started
	 * @param user the user taken
	 */
	private void assign(@Nullable Listener current, AssignmentRepository.Claimed user) {
		UserProfile profile = this.handovers.profile(user);
		if (profile == null) {
			synchronized (this) {
				this.held.remove(user.userId());
			}
			this.queues.lease(user.userId()).release();
			return;
		}
		changed(user.userId());
		if (current != null && !this.handovers.assigned(current, profile)) {
			synchronized (this) {
				this.held.remove(user.userId());
			}
			this.queues.lease(user.userId()).release();
		}
	}

	/**
	 * Take the leases of this instance's pinned users that another instance held when
	 * they were registered (one statement each: only while such a user waits).
	 * @param taken told the profiles of the users taken
	 */
	private void takeFreedPinned(List<UserProfile> taken) {
		for (Map.Entry<String, Registration> entry : this.registered.entrySet()) {
			if (entry.getValue().placement() == Placement.PINNED && !this.held.containsKey(entry.getKey())
					&& takePinned(entry.getKey(), this.queues.lease(entry.getKey()))) {
				taken.add(entry.getValue().profile());
			}
		}
	}

	private boolean takePinned(String userId, RelayLease lease) {
		if (!lease.takeAsGrant()) {
			return false;
		}
		this.held.put(userId, Placement.PINNED);
		return true;
	}

	/**
	 * Let the user's relay, if it runs here, look at its lease at once.
	 * @param userId the user
	 */
	private void changed(String userId) {
		JdbcOutboundQueue queue = this.queues.existing(userId);
		if (queue != null) {
			queue.leaseChanged();
		}
	}

	/**
	 * Return the users whose leases this instance holds.
	 * @return their ids
	 */
	synchronized Set<String> held() {
		return new HashSet<>(this.held.keySet());
	}

	private synchronized AssignmentRepository repository() {
		AssignmentRepository repo = this.repository;
		if (repo == null) {
			repo = new AssignmentRepository(this.queues.dataSource(), this.queues.outboxDialect());
			this.repository = repo;
		}
		return repo;
	}

	/**
	 * A user registered on this instance.
	 *
	 * @param profile the user's profile
	 * @param placement where the user runs
	 */
	private record Registration(UserProfile profile, Placement placement) {
	}

}
