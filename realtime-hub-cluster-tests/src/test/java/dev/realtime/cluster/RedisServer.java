package dev.realtime.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A redis-server of the test's own on a free port, without persistence: the machine's
 * Redis (6379) is shared with other builds and is never stopped or reconfigured.
 */
final class RedisServer implements AutoCloseable {

	private static final String EXECUTABLE = System.getProperty("realtime.cluster.redis-server",
			"/usr/bin/redis-server");

	private final int port;

	private final Process process;

	RedisServer(Path directory) throws IOException {
		this.port = freePort();
		this.process = new ProcessBuilder(List.of(EXECUTABLE, "--port", String.valueOf(this.port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no"))
			.directory(directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("redis.log").toFile())
			.start();
		await().atMost(Duration.ofSeconds(20))
			.failFast("redis-server exited; its log is " + directory.resolve("redis.log"),
					() -> !this.process.isAlive())
			.ignoreExceptions()
			.until(this::ping);
	}

	int port() {
		return this.port;
	}

	private boolean ping() throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout(2_000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = in.readNBytes(7);
			return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
