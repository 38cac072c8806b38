package dev.realtime.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fault-injecting TCP proxy for tests: listens on an ephemeral port of 127.0.0.1 and
 * forwards every connection to a target host and port (a hub, PostgreSQL, anything on
 * TCP). While connections are open it can cut them (reset or orderly close), stop
 * forwarding in one or both directions without closing (half-open), add latency, throttle
 * bandwidth and refuse new connections for a while. Bytes held back while forwarding is
 * stopped are delivered, in order, once it resumes: the proxy itself never loses data on
 * a connection it keeps open.
 * <p>
 * Each connection uses a reader and a writer thread per direction with a small bounded
 * queue between them, so a stopped direction applies back-pressure to the sender like a
 * real stalled network path instead of buffering without bound.
 */
public final class FaultProxy implements AutoCloseable {

	private static final int CHUNK_SIZE = 16 * 1024;

	private static final int QUEUED_CHUNKS = 16;

	private final InetSocketAddress target;

	private final ServerSocket server;

	private final Thread acceptor;

	private final Set<Link> links = ConcurrentHashMap.newKeySet();

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger refused = new AtomicInteger();

	private final AtomicLong upstreamBytes = new AtomicLong();

	private final AtomicLong downstreamBytes = new AtomicLong();

	private final Object gate = new Object();

	private volatile boolean upstreamStopped;

	private volatile boolean downstreamStopped;

	private volatile long latencyNanos;

	private volatile long bytesPerSecond;

	private volatile long refuseUntilNanos = System.nanoTime();

	private volatile boolean refusing;

	private volatile boolean closed;

	private FaultProxy(InetSocketAddress target) throws IOException {
		this.target = target;
		this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
		this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + port() + "-accept");
		this.acceptor.setDaemon(true);
		this.acceptor.start();
	}

	/**
	 * Start a proxy in front of the given target.
	 * @param host the target host
	 * @param port the target port
	 * @return the running proxy
	 */
	public static FaultProxy start(String host, int port) {
		try {
			return new FaultProxy(new InetSocketAddress(host, port));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open the proxy's listening socket", ex);
		}
	}

	/**
	 * Start a proxy in front of the host and port of a URI or JDBC URL.
	 * @param url a URL such as {@code ws://127.0.0.1:8080/hub} or
	 * {@code jdbc:postgresql://127.0.0.1:5432/test}
	 * @return the running proxy
	 */
	public static FaultProxy inFrontOf(String url) {
		URI uri = URI.create(url.startsWith("jdbc:") ? url.substring("jdbc:".length()) : url);
		return start(uri.getHost(), uri.getPort());
	}

	/**
	 * Return the local port clients connect to.
	 * @return the port
	 */
	public int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Return the given URL with its host and port replaced by the proxy's, so a client
	 * using it goes through the proxy; works for {@code ws://}, {@code http://} and JDBC
	 * URLs.
	 * @param url the URL of the target
	 * @return the URL of the proxy
	 */
	public String route(String url) {
		String authority = this.target.getHostString() + ":" + this.target.getPort();
		int at = url.indexOf("//" + authority);
		if (at < 0) {
			throw new IllegalArgumentException(url + " does not point at the proxy's target " + authority);
		}
		return url.substring(0, at) + "//127.0.0.1:" + port() + url.substring(at + 2 + authority.length());
	}

	/**
	 * Return the given URI routed through the proxy.
	 * @param uri the URI of the target
	 * @return the URI of the proxy
	 * @see #route(String)
	 */
	public URI route(URI uri) {
		return URI.create(route(uri.toString()));
	}

	/**
	 * Cut every open connection on both sides.
	 * @param cut whether to reset or close them in order
	 * @return how many connections were cut
	 */
	public int cutAll(Cut cut) {
		List<Link> open = new ArrayList<>(this.links);
		open.forEach((link) -> link.close(cut == Cut.RESET));
		return open.size();
	}

	/**
	 * Stop forwarding in a direction without closing anything: the connections stay open
	 * and silent, as behind a dead NAT entry or an unplugged cable. Bytes already read
	 * are held and delivered after {@link #resume()}.
	 * @param direction the direction(s) to stop
	 */
	public void halfOpen(Direction direction) {
		synchronized (this.gate) {
			if (direction != Direction.DOWNSTREAM) {
				this.upstreamStopped = true;
			}
			if (direction != Direction.UPSTREAM) {
				this.downstreamStopped = true;
			}
		}
	}

	/**
	 * Resume forwarding in both directions after {@link #halfOpen(Direction)}.
	 */
	public void resume() {
		synchronized (this.gate) {
			this.upstreamStopped = false;
			this.downstreamStopped = false;
			this.gate.notifyAll();
		}
	}

	/**
	 * Delay every chunk of bytes by the given time in each direction (a round trip is
	 * delayed twice as much).
	 * @param latency the one-way delay, zero for none
	 */
	public void latency(Duration latency) {
		this.latencyNanos = latency.toNanos();
	}

	/**
	 * Limit the bandwidth of each direction of each connection.
	 * @param bytesPerSecond the limit, zero or less for none
	 */
	public void throttle(long bytesPerSecond) {
		this.bytesPerSecond = Math.max(0, bytesPerSecond);
	}

	/**
	 * Refuse new connections (accept and reset them at once) for the given time; open
	 * connections are not affected.
	 * @param duration how long to refuse
	 */
	public void refuseConnections(Duration duration) {
		this.refuseUntilNanos = System.nanoTime() + duration.toNanos();
		this.refusing = true;
	}

	/**
	 * Accept new connections again, ending {@link #refuseConnections(Duration)} early.
	 */
	public void acceptConnections() {
		this.refusing = false;
	}

	/**
	 * Undo every fault: forward in both directions, no latency, no throttle, accept new
	 * connections.
	 */
	public void heal() {
		latency(Duration.ZERO);
		throttle(0);
		acceptConnections();
		resume();
	}

	/**
	 * Return how many connections were accepted and forwarded since the start.
	 * @return the number of connections
	 */
	public int connectionsAccepted() {
		return this.accepted.get();
	}

	/**
	 * Return how many connections were refused since the start.
	 * @return the number of refused connections
	 */
	public int connectionsRefused() {
		return this.refused.get();
	}

	/**
	 * Return how many connections are open now.
	 * @return the number of open connections
	 */
	public int openConnections() {
		return this.links.size();
	}

	/**
	 * Return how many bytes were delivered in a direction since the start.
	 * @param direction {@link Direction#UPSTREAM} or {@link Direction#DOWNSTREAM}, or
	 * {@link Direction#BOTH} for the sum
	 * @return the number of bytes
	 */
	public long bytesForwarded(Direction direction) {
		return switch (direction) {
			case UPSTREAM -> this.upstreamBytes.get();
			case DOWNSTREAM -> this.downstreamBytes.get();
			case BOTH -> this.upstreamBytes.get() + this.downstreamBytes.get();
		};
	}

	@Override
	public void close() {
		this.closed = true;
		try {
			this.server.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
		cutAll(Cut.CLOSE);
		resume();
	}

	private void acceptLoop() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.server.accept();
			}
			catch (IOException ex) {
				if (this.closed) {
					return;
				}
				continue;
			}
			if (this.refusing && System.nanoTime() - this.refuseUntilNanos < 0) {
				this.refused.incrementAndGet();
				reset(client);
				continue;
			}
			this.refusing = false;
			Socket upstream = new Socket();
			try {
				upstream.connect(this.target, 5000);
			}
			catch (IOException ex) {
				// the target is down: the client sees what it would see without the proxy
				this.refused.incrementAndGet();
				reset(client);
				closeQuietly(upstream);
				continue;
			}
			this.accepted.incrementAndGet();
			new Link(client, upstream).start();
		}
	}

	private static void reset(Socket socket) {
		try {
			socket.setSoLinger(true, 0);
		}
		catch (IOException ex) {
			// closing anyway
		}
		closeQuietly(socket);
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

	private boolean stopped(boolean upstream) {
		return upstream ? this.upstreamStopped : this.downstreamStopped;
	}

	private void awaitForwarding(boolean upstream) throws InterruptedException {
		synchronized (this.gate) {
			while (stopped(upstream) && !this.closed) {
				this.gate.wait();
			}
		}
	}

	private static void parkUntil(long deadline) throws InterruptedException {
		long wait;
		while ((wait = deadline - System.nanoTime()) > 0) {
			LockSupport.parkNanos(wait);
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
		}
	}

	/**
	 * How to cut connections.
	 */
	public enum Cut {

		/**
		 * Reset both sides (TCP RST), as a crashed peer or a firewall would.
		 */
		RESET,

		/**
		 * Close both sides in order (TCP FIN), as a peer that shuts down would.
		 */
		CLOSE

	}

	/**
	 * Directions of a proxied connection.
	 */
	public enum Direction {

		/**
		 * From the connecting client to the target.
		 */
		UPSTREAM,

		/**
		 * From the target back to the client.
		 */
		DOWNSTREAM,

		/**
		 * Both directions.
		 */
		BOTH

	}

	private record Chunk(byte[] bytes, int length, long readAt) {

		boolean endOfStream() {
			return this.length < 0;
		}

	}

	/**
	 * One proxied connection: the client's socket, the target's socket and four threads.
	 */
	private final class Link {

		private final Socket client;

		private final Socket upstream;

		private final List<Thread> threads = new ArrayList<>(4);

		private final AtomicInteger directionsOpen = new AtomicInteger(2);

		private final AtomicBoolean closed = new AtomicBoolean();

		Link(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		void start() {
			try {
				this.client.setTcpNoDelay(true);
				this.upstream.setTcpNoDelay(true);
				pipe(this.client.getInputStream(), this.upstream, true);
				pipe(this.upstream.getInputStream(), this.client, false);
			}
			catch (IOException ex) {
				close(true);
				return;
			}
			FaultProxy.this.links.add(this);
			if (FaultProxy.this.closed) {
				close(false);
				return;
			}
			this.threads.forEach(Thread::start);
		}

		private void pipe(InputStream in, Socket to, boolean upstream) throws IOException {
			OutputStream out = to.getOutputStream();
			BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
			String name = "fault-proxy-" + port() + (upstream ? "-up-" : "-down-");
			this.threads.add(daemon(name + "read", () -> read(in, queue)));
			this.threads.add(daemon(name + "write", () -> write(queue, to, out, upstream)));
		}

		private Thread daemon(String name, Runnable task) {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		}

		private void read(InputStream in, BlockingQueue<Chunk> queue) {
			try {
				while (true) {
					byte[] buffer = new byte[CHUNK_SIZE];
					int length = in.read(buffer);
					queue.put(new Chunk(buffer, length, System.nanoTime()));
					if (length < 0) {
						return;
					}
				}
			}
			catch (IOException | InterruptedException ex) {
				// a reset or a cut: pass it on to the other side
				close(true);
			}
		}

		private void write(BlockingQueue<Chunk> queue, Socket to, OutputStream out, boolean upstream) {
			AtomicLong forwarded = upstream ? FaultProxy.this.upstreamBytes : FaultProxy.this.downstreamBytes;
			long nextSliceAt = System.nanoTime();
			try {
				while (true) {
					Chunk chunk = queue.take();
					parkUntil(chunk.readAt() + FaultProxy.this.latencyNanos);
					awaitForwarding(upstream);
					if (chunk.endOfStream()) {
						to.shutdownOutput();
						if (this.directionsOpen.decrementAndGet() == 0) {
							close(false);
						}
						return;
					}
					int offset = 0;
					while (offset < chunk.length()) {
						long limit = FaultProxy.this.bytesPerSecond;
						int slice = (limit > 0) ? (int) Math.max(1, Math.min(chunk.length() - offset, limit / 50))
								: chunk.length() - offset;
						if (limit > 0) {
							nextSliceAt = Math.max(nextSliceAt, System.nanoTime());
							parkUntil(nextSliceAt);
							nextSliceAt += slice * 1_000_000_000L / limit;
						}
						out.write(chunk.bytes(), offset, slice);
						out.flush();
						forwarded.addAndGet(slice);
						offset += slice;
					}
				}
			}
			catch (IOException | InterruptedException ex) {
				close(true);
			}
		}

		void close(boolean reset) {
			if (!this.closed.compareAndSet(false, true)) {
				return;
			}
			FaultProxy.this.links.remove(this);
			if (reset) {
				reset(this.client);
				reset(this.upstream);
			}
			else {
				closeQuietly(this.client);
				closeQuietly(this.upstream);
			}
			Thread current = Thread.currentThread();
			this.threads.stream().filter((thread) -> thread != current).forEach(Thread::interrupt);
		}

	}

}
