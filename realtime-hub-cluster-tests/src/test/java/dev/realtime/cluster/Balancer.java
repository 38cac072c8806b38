package dev.realtime.cluster;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A round-robin TCP balancer in front of the hub nodes, as a load balancer in layer 4
 * would be: each new connection goes to the next node, and to the one after it when that
 * node refuses the connection (a dead node is skipped without health checks). Bytes are
 * copied both ways until either side closes; nothing of the protocol is seen.
 * <p>
 * Hand-written (a thread per direction and connection) because the test needs nothing
 * more and a real balancer (HAProxy, nginx) is not on every CI machine; the project's
 * {@code FaultProxy} forwards to a single target.
 */
final class Balancer implements AutoCloseable {

	private static final int CONNECT_TIMEOUT_MILLIS = 1_000;

	private final List<Integer> backends;

	private final ServerSocket server;

	private final AtomicInteger next = new AtomicInteger();

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final AtomicInteger skipped = new AtomicInteger();

	private volatile boolean closed;

	/**
	 * Listen on a free port of the loopback address.
	 * @param backends the ports of the nodes on 127.0.0.1
	 */
	Balancer(List<Integer> backends) {
		this.backends = List.copyOf(backends);
		try {
			this.server = new ServerSocket(0, 500, InetAddress.getLoopbackAddress());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Thread acceptor = new Thread(this::accept, "balancer-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Return how many times a connection attempt to a node failed and the next node was
	 * tried.
	 * @return the count
	 */
	int skipped() {
		return this.skipped.get();
	}

	private void accept() {
		while (!this.closed) {
			try {
				Socket client = this.server.accept();
				Thread connector = new Thread(() -> forward(client), "balancer-connect");
				connector.setDaemon(true);
				connector.start();
			}
			catch (IOException ex) {
				if (!this.closed) {
					System.err.println("Balancer: accept failed: " + ex);
				}
			}
		}
	}

	private void forward(Socket client) {
		int first = Math.floorMod(this.next.getAndIncrement(), this.backends.size());
		for (int i = 0; i < this.backends.size(); i++) {
			int port = this.backends.get((first + i) % this.backends.size());
			Socket node = new Socket();
			try {
				node.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
			}
			catch (IOException ex) {
				this.skipped.incrementAndGet();
				closeQuietly(node);
				continue;
			}
			this.open.add(client);
			this.open.add(node);
			pump(client, node, "balancer-up-" + port);
			pump(node, client, "balancer-down-" + port);
			return;
		}
		closeQuietly(client);
	}

	private void pump(Socket from, Socket to, String name) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16 * 1024];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (IOException ex) {
				// the other side is gone: closing both below ends the other direction too
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, name);
		thread.setDaemon(true);
		thread.start();
	}

	private void closeQuietly(Closeable closeable) {
		if (closeable instanceof Socket socket) {
			this.open.remove(socket);
		}
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// closing anyway
		}
	}

	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.server);
		this.open.forEach(this::closeQuietly);
	}

}
