package dev.realtime.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Debian's squid, started on a free port as a child process in the foreground, with its
 * configuration, logs and pid file in a directory of its own under {@code target/}. The
 * access rules are the test's; {@link #reconfigure(String)} swaps them while it runs. A
 * machine without squid fails the test with what to do: {@code ./test.sh} installs it.
 * <p>
 * A proxy with basic authentication: {@link #withBasicAuthentication(String, String)},
 * with digest authentication: {@link #withDigestAuthentication(String, String)}.
 */
public final class SquidProxy implements AutoCloseable {

	private static final Path SQUID = Path.of("/usr/sbin/squid");

	/** Debian's helper for basic authentication against an htpasswd file. */
	public static final Path NCSA_AUTH = Path.of("/usr/lib/squid/basic_ncsa_auth");

	/** Debian's helper for digest authentication against a file of passwords. */
	private static final Path DIGEST_FILE_AUTH = Path.of("/usr/lib/squid/digest_file_auth");

	private final Path dir;

	private final int port;

	private final Process process;

	private SquidProxy(Path dir, int port, Process process) {
		this.dir = dir;
		this.port = port;
		this.process = process;
	}

	/**
	 * Start squid with the given access rules.
	 * @param rules {@code http_access} lines and what they need (ACLs, auth helpers);
	 * {@code CONNECT} is defined as an ACL already
	 * @return the running proxy
	 */
	public static SquidProxy start(String rules) {
		if (!Files.isExecutable(SQUID) || !Files.isExecutable(NCSA_AUTH)) {
			throw new IllegalStateException("The proxy tests need Debian's squid (" + SQUID + " and " + NCSA_AUTH
					+ "): run ./test.sh, which installs it, or apt-get install squid");
		}
		try {
			// squid started as root drops to its own user, which must write here
			Path dir = Files.createDirectories(Path.of("target", "squid", UUID.randomUUID().toString()))
				.toAbsolutePath();
			Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
			int port = freePort();
			Files.writeString(dir.resolve("squid.conf"), config(dir, port, rules));
			Process process = new ProcessBuilder(SQUID.toString(), "-f", dir.resolve("squid.conf").toString(), "-N",
					"-d", "1")
				.redirectErrorStream(true)
				.redirectOutput(dir.resolve("squid.out").toFile())
				.start();
			SquidProxy squid = new SquidProxy(dir, port, process);
			await().atMost(Duration.ofSeconds(30)).until(() -> {
				if (!process.isAlive()) {
					throw new IllegalStateException("squid exited at startup: " + squid.output());
				}
				return squid.accepts();
			});
			return squid;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Start squid allowing only the given user, WebSocket upgrades and tunnels included.
	 * @param user the proxy user
	 * @param password the user's password
	 * @return the running proxy
	 */
	public static SquidProxy withBasicAuthentication(String user, String password) {
		return start(String.join("\n", "auth_param basic program " + NCSA_AUTH + " " + htpasswd(user, password),
				"auth_param basic realm realtime-test", "acl authenticated proxy_auth REQUIRED",
				"http_upgrade_request_protocols websocket allow all", "http_access allow authenticated",
				"http_access deny all"));
	}

	/**
	 * Start squid allowing only the given user, with digest authentication, WebSocket
	 * upgrades and tunnels included.
	 * @param user the proxy user
	 * @param password the user's password
	 * @return the running proxy
	 */
	public static SquidProxy withDigestAuthentication(String user, String password) {
		if (!Files.isExecutable(DIGEST_FILE_AUTH)) {
			throw new IllegalStateException("The digest proxy tests need Debian's squid (" + DIGEST_FILE_AUTH
					+ "): run ./test.sh, which installs it, or apt-get install squid");
		}
		try {
			Path file = Files.createDirectories(Path.of("target", "squid"))
				.toAbsolutePath()
				.resolve("digest-" + UUID.randomUUID());
			// the helper's plain-text format: user:password
			Files.writeString(file, user + ":" + password + "\n");
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
			return start(String.join("\n", "auth_param digest program " + DIGEST_FILE_AUTH + " " + file,
					"auth_param digest realm realtime-test", "acl authenticated proxy_auth REQUIRED",
					"http_upgrade_request_protocols websocket allow all", "http_access allow authenticated",
					"http_access deny all"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Write an htpasswd file that squid's basic authentication helper reads.
	 * @param user the user
	 * @param password the password
	 * @return the file
	 */
	public static Path htpasswd(String user, String password) {
		try {
			Path dir = Files.createDirectories(Path.of("target", "squid")).toAbsolutePath();
			Path file = dir.resolve("htpasswd-" + UUID.randomUUID());
			Process openssl = new ProcessBuilder("openssl", "passwd", "-apr1", "-stdin").start();
			openssl.getOutputStream().write(password.getBytes(StandardCharsets.UTF_8));
			openssl.getOutputStream().close();
			String hash = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
			if (!openssl.waitFor(30, TimeUnit.SECONDS) || openssl.exitValue() != 0 || !hash.startsWith("$apr1$")) {
				throw new IllegalStateException("openssl passwd -apr1 failed: " + hash);
			}
			Files.writeString(file, user + ":" + hash + "\n");
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
			return file;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	/**
	 * Swap the access rules of the running proxy ({@code squid -k reconfigure}).
	 * @param rules the new rules
	 */
	public void reconfigure(String rules) {
		try {
			Files.writeString(this.dir.resolve("squid.conf"), config(this.dir, this.port, rules));
			Process reconfigure = new ProcessBuilder(SQUID.toString(), "-f", this.dir.resolve("squid.conf").toString(),
					"-k", "reconfigure")
				.redirectErrorStream(true)
				.start();
			String output = new String(reconfigure.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!reconfigure.waitFor(30, TimeUnit.SECONDS) || reconfigure.exitValue() != 0) {
				throw new IllegalStateException("squid -k reconfigure failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the lines of squid's access log so far.
	 * @return the lines
	 */
	public List<String> accessLog() {
		try {
			Path log = this.dir.resolve("access.log");
			return Files.exists(log) ? Files.readAllLines(log) : List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String output() {
		try {
			return Files.readString(this.dir.resolve("squid.out"));
		}
		catch (IOException ex) {
			return "(no output: " + ex.getMessage() + ")";
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private boolean accepts() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String config(Path dir, int port, String rules) {
		return String.join("\n", "http_port 127.0.0.1:" + port, "pid_filename " + dir.resolve("squid.pid"),
				"cache_log " + dir.resolve("cache.log"), "access_log stdio:" + dir.resolve("access.log"),
				"coredump_dir " + dir, "cache deny all", "cache_mem 8 MB", "pinger_enable off",
				"shutdown_lifetime 0 seconds", "acl CONNECT method CONNECT", rules, "");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
