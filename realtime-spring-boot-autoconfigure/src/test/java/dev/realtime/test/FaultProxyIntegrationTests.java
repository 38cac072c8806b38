package dev.realtime.test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.realtime.test.FaultProxy.Cut;
import dev.realtime.test.FaultProxy.Direction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FaultProxy} with real sockets: an echo server behind the proxy, and
 * PostgreSQL behind it for the database case.
 */
class FaultProxyIntegrationTests {

	private EchoServer echo;

	private FaultProxy proxy;

	@BeforeEach
	void start() throws IOException {
		this.echo = new EchoServer();
		this.proxy = FaultProxy.start("127.0.0.1", this.echo.port());
	}

	@AfterEach
	void stop() throws IOException {
		this.proxy.close();
		this.echo.close();
	}

	@Test
	void forwardsBothWaysAndCountsConnections() throws IOException {
		try (Socket first = connect(); Socket second = connect()) {
			assertThat(roundTrip(first, "hello")).isEqualTo("hello");
			assertThat(roundTrip(second, "world")).isEqualTo("world");
			assertThat(this.proxy.connectionsAccepted()).isEqualTo(2);
			assertThat(this.proxy.openConnections()).isEqualTo(2);
			// counted just after the write, so possibly after the client has read
			await().until(() -> this.proxy.bytesForwarded(Direction.BOTH) == 20);
			assertThat(this.proxy.bytesForwarded(Direction.UPSTREAM)).isEqualTo(10);
		}
		await().until(() -> this.proxy.openConnections() == 0);
	}

	@Test
	void cutWithResetResetsTheClient() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "x")).isEqualTo("x");
			assertThat(this.proxy.cutAll(Cut.RESET)).isEqualTo(1);
			socket.setSoTimeout(5000);
			assertThatExceptionOfType(SocketException.class).isThrownBy(() -> socket.getInputStream().read())
				.withMessageContaining("reset");
		}
		await().until(() -> this.echo.closedConnections() == 1);
	}

	@Test
	void cutWithCloseEndsTheClientsStream() throws IOException {
		try (Socket socket = connect()) {
			assertThat(roundTrip(socket, "x")).isEqualTo("x");
			this.proxy.cutAll(Cut.CLOSE);
			socket.setSoTimeout(5000);
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
		await().until(() -> this.echo.closedConnections() == 1);
		assertThat(this.proxy.openConnections()).isZero();
	}

	@Test
	void halfOpenUpstreamHoldsBytesWithoutClosingAndDeliversThemOnResume() throws IOException {
		try (Socket socket = connect()) {
			this.proxy.halfOpen(Direction.UPSTREAM);
			send(socket, "held");
			socket.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			assertThat(this.echo.bytesReceived()).isZero();
			assertThat(this.proxy.openConnections()).isEqualTo(1);
			this.proxy.resume();
			socket.setSoTimeout(5000);
			assertThat(receive(socket, 4)).isEqualTo("held");
		}
	}

	@Test
	void halfOpenDownstreamDeliversToTheTargetButNotBack() throws IOException {
		try (Socket socket = connect()) {
			this.proxy.halfOpen(Direction.DOWNSTREAM);
			send(socket, "ping");
			await().until(() -> this.echo.bytesReceived() == 4);
			socket.setSoTimeout(300);
			assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> socket.getInputStream().read());
			this.proxy.resume();
			socket.setSoTimeout(5000);
			assertThat(receive(socket, 4)).isEqualTo("ping");
		}
	}

	@Test
	void halfOpenBothWaysAppliesBackPressureAndLosesNothing() throws IOException {
		// far more than loopback's auto-tuned socket buffers and the proxy's queues can
		// hold
		byte[] data = new byte[32 * 1024 * 1024];
		for (int i = 0; i < data.length; i++) {
			data[i] = (byte) (i * 31);
		}
		try (Socket socket = connect()) {
			this.proxy.halfOpen(Direction.BOTH);
			Thread writer = new Thread(() -> {
				try {
					socket.getOutputStream().write(data);
				}
				catch (IOException ex) {
					// the assertion below fails then
				}
			});
			writer.start();
			// the proxy's queues are bounded: the writer blocks once the kernel buffers
			// are full
			await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(writer::isAlive);
			assertThat(this.echo.bytesReceived()).isZero();
			this.proxy.resume();
			socket.setSoTimeout(10_000);
			byte[] back = socket.getInputStream().readNBytes(data.length);
			assertThat(back).isEqualTo(data);
		}
	}

	@Test
	void latencyDelaysEachDirection() throws IOException {
		try (Socket socket = connect()) {
			roundTrip(socket, "warm");
			this.proxy.latency(Duration.ofMillis(150));
			long start = System.nanoTime();
			roundTrip(socket, "slow");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
			this.proxy.latency(Duration.ZERO);
			start = System.nanoTime();
			roundTrip(socket, "fast");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(150));
		}
	}

	@Test
	void throttleLimitsBandwidth() throws IOException {
		byte[] data = new byte[100 * 1024];
		try (Socket socket = connect()) {
			this.proxy.throttle(200 * 1024);
			long start = System.nanoTime();
			socket.getOutputStream().write(data);
			socket.setSoTimeout(10_000);
			assertThat(socket.getInputStream().readNBytes(data.length)).hasSize(data.length);
			// 100 KiB at 200 KiB/s each way, pipelined: at least half a second
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(450));
		}
	}

	@Test
	void refusesNewConnectionsForAWhileButKeepsOpenOnes() throws IOException {
		try (Socket open = connect()) {
			assertThat(roundTrip(open, "open")).isEqualTo("open");
			this.proxy.refuseConnections(Duration.ofMinutes(1));
			try (Socket refused = connect()) {
				refused.setSoTimeout(5000);
				assertThat(endsOrResets(refused)).isTrue();
			}
			assertThat(this.proxy.connectionsRefused()).isEqualTo(1);
			assertThat(roundTrip(open, "still")).isEqualTo("still");
			this.proxy.acceptConnections();
			try (Socket again = connect()) {
				assertThat(roundTrip(again, "back")).isEqualTo("back");
			}
		}
		assertThat(this.proxy.connectionsAccepted()).isEqualTo(2);
	}

	@Test
	void refusalEndsByItself() throws IOException {
		this.proxy.refuseConnections(Duration.ofMillis(200));
		await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
			try (Socket socket = connect()) {
				assertThat(roundTrip(socket, "ok")).isEqualTo("ok");
			}
		});
		assertThat(this.proxy.connectionsRefused()).isPositive();
	}

	@Test
	void connectionToADeadTargetIsReset() throws IOException {
		// a bound socket that does not listen keeps its port dead: nobody else can take
		// it
		try (Socket dead = new Socket()) {
			dead.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
			try (FaultProxy deadProxy = FaultProxy.start("127.0.0.1", dead.getLocalPort());
					Socket socket = new Socket(InetAddress.getLoopbackAddress(), deadProxy.port())) {
				socket.setSoTimeout(5000);
				assertThat(endsOrResets(socket)).isTrue();
				assertThat(deadProxy.connectionsRefused()).isEqualTo(1);
			}
		}
	}

	@Test
	void worksInFrontOfPostgresql() throws SQLException {
		TestDatabases.Server postgres = TestDatabases.postgres();
		try (FaultProxy database = FaultProxy.inFrontOf(postgres.url())) {
			String url = database.route(postgres.url());
			try (Connection connection = DriverManager.getConnection(url, postgres.username(), postgres.password())) {
				assertThat(selectOne(connection)).isEqualTo(1);
				database.cutAll(Cut.RESET);
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> selectOne(connection));
			}
			try (Connection connection = DriverManager.getConnection(url, postgres.username(), postgres.password())) {
				assertThat(selectOne(connection)).isEqualTo(1);
			}
			assertThat(database.connectionsAccepted()).isEqualTo(2);
		}
	}

	@Test
	void routeReplacesTheTargetsAuthority() {
		String target = "ws://127.0.0.1:" + this.echo.port() + "/hub?x=1";
		assertThat(this.proxy.route(target)).isEqualTo("ws://127.0.0.1:" + this.proxy.port() + "/hub?x=1");
		assertThat(this.proxy.route("jdbc:postgresql://127.0.0.1:" + this.echo.port() + "/test"))
			.isEqualTo("jdbc:postgresql://127.0.0.1:" + this.proxy.port() + "/test");
	}

	private static int selectOne(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select 1")) {
			result.next();
			return result.getInt(1);
		}
	}

	private Socket connect() throws IOException {
		return new Socket(InetAddress.getLoopbackAddress(), this.proxy.port());
	}

	private static boolean endsOrResets(Socket socket) throws IOException {
		try {
			return socket.getInputStream().read() == -1;
		}
		catch (SocketException ex) {
			return true;
		}
	}

	private static String roundTrip(Socket socket, String text) throws IOException {
		send(socket, text);
		socket.setSoTimeout(5000);
		return receive(socket, text.length());
	}

	private static void send(Socket socket, String text) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(text.getBytes(StandardCharsets.US_ASCII));
		out.flush();
	}

	private static String receive(Socket socket, int length) throws IOException {
		return new String(socket.getInputStream().readNBytes(length), StandardCharsets.US_ASCII);
	}

	/**
	 * Echoes every byte back and counts what it received.
	 */
	private static final class EchoServer implements AutoCloseable {

		private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		private final AtomicLong received = new AtomicLong();

		private final AtomicLong closed = new AtomicLong();

		EchoServer() throws IOException {
			Thread acceptor = new Thread(this::accept, "echo-accept");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.server.getLocalPort();
		}

		long bytesReceived() {
			return this.received.get();
		}

		long closedConnections() {
			return this.closed.get();
		}

		private void accept() {
			while (!this.server.isClosed()) {
				try {
					Socket socket = this.server.accept();
					this.sockets.add(socket);
					Thread echo = new Thread(() -> echo(socket), "echo");
					echo.setDaemon(true);
					echo.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void echo(Socket socket) {
			byte[] buffer = new byte[8192];
			try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					this.received.addAndGet(read);
					out.write(buffer, 0, read);
				}
			}
			catch (IOException ex) {
				// reset by the proxy: counted below
			}
			this.closed.incrementAndGet();
		}

		@Override
		public void close() throws IOException {
			this.server.close();
			for (Socket socket : this.sockets) {
				socket.close();
			}
		}

	}

}
