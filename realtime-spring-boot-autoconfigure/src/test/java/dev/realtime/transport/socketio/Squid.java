package dev.realtime.transport.socketio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * Debian's {@code squid} as a forward proxy for a test: on a free port of the loopback
 * interface, basic authentication of one user (its {@code basic_ncsa_auth} helper, the
 * password hashed by {@code openssl passwd -apr1}), WebSocket upgrades allowed, nothing
 * cached. Its files live in a temporary directory the {@code proxy} user can write.
 */
final class Squid implements AutoCloseable {

	private final Process process;

	private final Path directory;

	private final int port;

	private Squid(Process process, Path directory, int port) {
		this.process = process;
		this.directory = directory;
		this.port = port;
	}

	static Squid start(String username, String password) throws IOException, InterruptedException {
		Path directory = Files.createTempDirectory("realtime-squid",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
		Process hash = new ProcessBuilder("openssl", "passwd", "-apr1", password).start();
		String hashed = new String(hash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		if (!hash.waitFor(30, TimeUnit.SECONDS) || hash.exitValue() != 0) {
			throw new IllegalStateException("openssl passwd failed");
		}
		Files.writeString(directory.resolve("passwd"), username + ":" + hashed + "\n");
		int port = freePort();
		Files.writeString(directory.resolve("squid.conf"),
				String.join("\n", "http_port 127.0.0.1:" + port, "pid_filename " + directory.resolve("squid.pid"),
						"cache_log " + directory.resolve("cache.log"), "access_log " + directory.resolve("access.log"),
						"coredump_dir " + directory, "cache deny all",
						"auth_param basic program /usr/lib/squid/basic_ncsa_auth " + directory.resolve("passwd"),
						"auth_param basic realm realtime-test", "acl authenticated proxy_auth REQUIRED",
						"http_upgrade_request_protocols websocket allow all", "http_access allow authenticated",
						"http_access deny all", "shutdown_lifetime 0 seconds", ""));
		Process process = new ProcessBuilder("squid", "-N", "-f", directory.resolve("squid.conf").toString())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("squid.out").toFile())
			.start();
		Squid squid = new Squid(process, directory, port);
		await("squid listening on port " + port + " (see " + directory + ")").atMost(Duration.ofSeconds(30))
			.until(squid::accepts);
		return squid;
	}

	int port() {
		return this.port;
	}

	String accessLog() throws IOException {
		Path log = this.directory.resolve("access.log");
		return Files.exists(log) ? Files.readString(log) : "";
	}

	private boolean accepts() {
		if (!this.process.isAlive()) {
			throw new IllegalStateException("squid exited, see " + this.directory);
		}
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	@Override
	public void close() throws InterruptedException, IOException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
		FileSystemUtils.deleteRecursively(this.directory);
	}

}
