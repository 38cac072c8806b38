package dev.realtime.benchmarks;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.auth.UserTokenProvider;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.UserProfile;
import dev.realtime.users.RealtimeClients;

/**
 * The users-1000 row: many users connected through {@link RealtimeClients} on one
 * instance (the starter with its PostgreSQL outbox and inbox), beside as many raw
 * connections to the same hub that hold nothing but a socket on the client's side. Both
 * count the live heap after a full collection, so the hub's side of each connection (the
 * bench hub in this JVM) is in both figures and their difference is what a user adds on
 * the client's side.
 */
final class ManyUsers {

	private static final Duration CONNECT_WAIT = Duration.ofMinutes(5);

	private static final long EVENT_WAIT_SECONDS = 10;

	/**
	 * Raw connections opened and closed first: the classes they load are no one's heap.
	 */
	private static final int WARM_UP_CONNECTIONS = 20;

	private final BenchHub hub;

	private final Database database;

	private final Windows windows;

	ManyUsers(BenchHub hub, Database database, Windows windows) {
		this.hub = hub;
		this.database = database;
		this.windows = windows;
	}

	/**
	 * Connect users through {@link RealtimeClients}, then push one event to each user in
	 * turn, each timed from the push to the user's listener (stored in the user's inbox
	 * first), once per window.
	 * @param users how many
	 * @return time to connect all (s), heap per idle connected user (KiB), threads added,
	 * then the event's p50 and p99 (ms)
	 */
	Figure[] starter(int users) {
		try (Starter starter = Starter.start(this.hub, this.database, new Class<?>[] { UserTokens.class })) {
			RealtimeClients clients = starter.bean(RealtimeClients.class);
			Latencies latencies = new Latencies();
			// one event through the application's own client first: the shared pools and
			// caches every user uses are up before the census
			UserEvents own = new UserEvents(starter.client(), latencies);
			pushRound(List.of(own), 1);
			HeapCensus before = HeapCensus.take();
			int threadsBefore = clientThreads();
			long start = System.nanoTime();
			List<UserEvents> connected = new ArrayList<>();
			for (int i = 0; i < users; i++) {
				RealtimeClient client = clients.connectUser(UserProfile.of(String.format(Locale.ROOT, "u%04d", i)));
				connected.add(new UserEvents(client, latencies));
			}
			if (!Windows.await(
					() -> connected.stream()
						.allMatch((user) -> user.client.connectionState() == ConnectionState.CONNECTED),
					CONNECT_WAIT)) {
				throw new IllegalStateException("Not every user connected within " + CONNECT_WAIT);
			}
			double connectSeconds = (System.nanoTime() - start) / 1e9;
			Figure[] latency = rounds((seq) -> pushRound(connected, seq), latencies);
			long lost = 0;
			long duplicates = 0;
			for (UserEvents user : connected) {
				lost += user.lost();
				duplicates += user.arrivals.duplicates();
			}
			// idle: every event handled and gone from the inbox
			Windows.await(() -> starter.inboxRows() == 0, CONNECT_WAIT);
			HeapCensus after = HeapCensus.take();
			int threadsAdded = clientThreads() - threadsBefore;
			return new Figure[] { Figure.single(connectSeconds, "s", null),
					Figure.single(after.growthPer(before, users) / 1024, "KiB",
							"most: " + after.largestGrowth(before, users, 3)),
					Figure.single(threadsAdded, "threads", "the bench hub's server threads not counted"),
					latency[0].counted(lost, duplicates), latency[1] };
		}
	}

	/**
	 * Rounds of one event to each user during the warm-up, then one round per window.
	 * @param round pushes one event to each user, given the seq of the round
	 * @param latencies where the round records each event's time
	 * @return p50 and p99 in milliseconds, the median of the windows
	 */
	private Figure[] rounds(LongConsumer round, Latencies latencies) {
		long seq = 0;
		long warmUpEnd = System.nanoTime() + this.windows.options().warmUp().toNanos();
		do {
			round.accept(++seq);
		}
		while (System.nanoTime() < warmUpEnd);
		latencies.drainPercentilesMillis(50);
		double[] p50 = new double[this.windows.options().windows()];
		double[] p99 = new double[p50.length];
		for (int i = 0; i < p50.length; i++) {
			round.accept(++seq);
			double[] window = latencies.drainPercentilesMillis(50, 99);
			p50[i] = window[0];
			p99[i] = window[1];
		}
		return new Figure[] { Figure.of(p50, "ms"), Figure.of(p99, "ms") };
	}

	/**
	 * Push one event to each user in turn, each after the last one reached its listener.
	 * @param users the users
	 * @param seq the seq of this round's event in each user's stream
	 */
	private void pushRound(List<UserEvents> users, long seq) {
		for (UserEvents user : users) {
			user.pushedAt = System.nanoTime();
			user.expected = seq;
			if (!this.hub.push(user.client.clientId(), event(seq))) {
				throw new IllegalStateException("User " + user.client.userId() + " is not connected");
			}
			user.awaitArrival();
		}
	}

	private static String event(long seq) {
		return Frames.event(RawConnection.newClientId(), seq, BenchHub.KEY_PREFIX + seq, "bench.user", Frames.PAYLOAD);
	}

	/**
	 * The same number of raw connections to the same hub, each a bare socket on the
	 * client's side: opened one after another (handshake and resume), then one event
	 * pushed to each in turn and timed until the socket read it.
	 * @param connections how many
	 * @return time to open all (s), heap per idle connection (KiB), then the event's p50
	 * and p99 (ms)
	 */
	Figure[] raw(int connections) {
		List<RawUser> users = new ArrayList<>();
		try {
			closeAll(open("w", WARM_UP_CONNECTIONS, new ArrayList<>()));
			HeapCensus before = HeapCensus.take();
			long start = System.nanoTime();
			open("r", connections, users);
			double openSeconds = (System.nanoTime() - start) / 1e9;
			HeapCensus after = HeapCensus.take();
			Latencies latencies = new Latencies();
			Figure[] latency = rounds((seq) -> pushToEach(users, seq, latencies), latencies);
			return new Figure[] { Figure.single(openSeconds, "s", null),
					Figure.single(after.growthPer(before, connections) / 1024, "KiB",
							"most: " + after.largestGrowth(before, connections, 3)),
					latency[0], latency[1] };
		}
		catch (IOException ex) {
			throw new IllegalStateException("Raw connections failed", ex);
		}
		finally {
			closeAll(users);
		}
	}

	private List<RawUser> open(String prefix, int connections, List<RawUser> users) throws IOException {
		for (int i = 0; i < connections; i++) {
			String clientId = prefix + RawConnection.newClientId().substring(prefix.length());
			RawUser user = new RawUser(clientId,
					IdleSocket.open(this.hub.uri(), clientId, "raw-" + clientId.substring(0, 8), null));
			users.add(user);
			user.socket().sendText("{\"type\":\"resume\",\"client_id\":\"" + clientId + "\",\"last_ack_seq\":0}");
			if (!user.socket().readText().contains("\"resume_response\"")) {
				throw new IOException("Expected a resume_response");
			}
		}
		return users;
	}

	private void pushToEach(List<RawUser> users, long seq, Latencies latencies) {
		for (RawUser user : users) {
			long start = System.nanoTime();
			if (!this.hub.push(user.clientId(), event(seq))) {
				throw new IllegalStateException("A raw connection is closed");
			}
			try {
				user.socket().readText();
			}
			catch (IOException ex) {
				throw new IllegalStateException("A raw connection failed", ex);
			}
			latencies.record(System.nanoTime() - start);
		}
	}

	private static void closeAll(List<RawUser> users) {
		users.forEach((user) -> user.socket().close());
	}

	/**
	 * Live threads but the bench hub's server threads, which grow with the handshakes it
	 * serves at once.
	 * @return the count
	 */
	private static int clientThreads() {
		return (int) Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> !thread.getName().startsWith("http-nio-"))
			.count();
	}

	/**
	 * One user's events as its listener gets them.
	 */
	private static final class UserEvents {

		final RealtimeClient client;

		final Arrivals arrivals = new Arrivals();

		private final Semaphore arrived = new Semaphore(0);

		volatile long pushedAt;

		volatile long expected;

		private volatile long rounds;

		UserEvents(RealtimeClient client, Latencies latencies) {
			this.client = client;
			client.onMessage((message) -> {
				if (this.arrivals.record(message.seq()) && message.seq() == this.expected) {
					latencies.record(System.nanoTime() - this.pushedAt);
					this.rounds = message.seq();
					this.arrived.release();
				}
			});
		}

		void awaitArrival() {
			try {
				if (!this.arrived.tryAcquire(EVENT_WAIT_SECONDS, TimeUnit.SECONDS)) {
					throw new IllegalStateException(
							"User " + this.client.userId() + " got no event within " + EVENT_WAIT_SECONDS + " s");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		/**
		 * Events pushed to the user that its listener did not get.
		 * @return the count
		 */
		long lost() {
			return this.rounds - this.arrivals.received();
		}

	}

	/**
	 * A raw connection and the client id the hub knows it by.
	 *
	 * @param clientId the client id
	 * @param socket the connection
	 */
	private record RawUser(String clientId, IdleSocket socket) {

	}

	/**
	 * The users' tokens: the bench hub takes any.
	 */
	@Configuration(proxyBeanMethods = false)
	static class UserTokens {

		@Bean
		UserTokenProvider benchUserTokens() {
			return (userId) -> "bench";
		}

	}

}
