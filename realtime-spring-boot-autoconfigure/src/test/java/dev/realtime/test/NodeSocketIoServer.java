package dev.realtime.test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Socket.IO server that is not the reference hub: the npm {@code socket.io}
 * {@value #SOCKET_IO} package, installed under {@code target/socketio-server} (once per
 * build directory) and run with the machine's Node.js, with the few lines of
 * {@code socketio/server.js} (a test resource) that meet the protocol's server
 * obligations in memory. It serves {@code http://}, or {@code https://} with a PKCS#12
 * key store.
 */
public final class NodeSocketIoServer implements AutoCloseable {

	private static final String SOCKET_IO = "socket.io@4.8.1";

	private static final Path DIRECTORY = Path.of("target", "socketio-server");

	private final Process process;

	private final Writer input;

	private final boolean tls;

	private final int port;

	/** What the server accepted, as "CLIENT_ID SEQ I". */
	private final Queue<String> accepted = new ConcurrentLinkedQueue<>();

	private NodeSocketIoServer(String tokens, @Nullable Path keyStore) throws IOException {
		install();
		Path script = DIRECTORY.resolve("server.js");
		try (InputStream source = NodeSocketIoServer.class.getResourceAsStream("/socketio/server.js")) {
			assertThat(source).as("the test resource socketio/server.js").isNotNull();
			Files.copy(source, script, StandardCopyOption.REPLACE_EXISTING);
		}
		List<String> command = new ArrayList<>(List.of("node", "server.js", tokens));
		if (keyStore != null) {
			command.addAll(List.of(keyStore.toAbsolutePath().toString(), TestCertificates.PASSWORD));
		}
		this.tls = keyStore != null;
		this.process = new ProcessBuilder(command).directory(DIRECTORY.toFile()).redirectErrorStream(true).start();
		this.input = new OutputStreamWriter(this.process.getOutputStream(), StandardCharsets.UTF_8);
		CompletableFuture<Integer> listening = new CompletableFuture<>();
		Thread reader = new Thread(() -> readOutput(listening), "node-socketio-output");
		reader.setDaemon(true);
		reader.start();
		try {
			this.port = listening.get(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			this.process.destroy();
			throw new IllegalStateException("The Node.js Socket.IO server did not start", ex);
		}
	}

	/**
	 * Start a server over {@code http://}.
	 * @param tokens JSON mapping each accepted token to its user
	 * @return the running server
	 */
	public static NodeSocketIoServer start(String tokens) {
		return start(tokens, null);
	}

	/**
	 * Start a server.
	 * @param tokens JSON mapping each accepted token to its user
	 * @param keyStore the server's key and certificate (PKCS#12, password
	 * {@link TestCertificates#PASSWORD}) to serve {@code https://}, or {@code null} for
	 * {@code http://}
	 * @return the running server
	 */
	public static NodeSocketIoServer start(String tokens, @Nullable Path keyStore) {
		try {
			return new NodeSocketIoServer(tokens, keyStore);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void install() throws IOException {
		if (Files.exists(DIRECTORY.resolve("node_modules/socket.io/package.json"))) {
			return;
		}
		Files.createDirectories(DIRECTORY);
		Process npm = new ProcessBuilder("npm", "install", "--prefix", DIRECTORY.toString(), "--no-audit", "--no-fund",
				"--loglevel=error", SOCKET_IO)
			.redirectErrorStream(true)
			.redirectOutput(DIRECTORY.resolve("npm-install.log").toFile())
			.start();
		try {
			assertThat(npm.waitFor(5, TimeUnit.MINUTES)).as("npm install " + SOCKET_IO + " finished").isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		assertThat(npm.exitValue()).as("npm install " + SOCKET_IO + ", see target/socketio-server/npm-install.log")
			.isZero();
	}

	private void readOutput(CompletableFuture<Integer> listening) {
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = output.readLine(); line != null; line = output.readLine()) {
				if (line.startsWith("listening ")) {
					listening.complete(Integer.parseInt(line.substring("listening ".length())));
				}
				else if (line.startsWith("accepted ")) {
					this.accepted.add(line.substring("accepted ".length()));
				}
				else {
					System.out.println("node: " + line);
				}
			}
		}
		catch (IOException ex) {
			listening.completeExceptionally(ex);
		}
		listening.completeExceptionally(new IllegalStateException("The Node.js server exited"));
	}

	/**
	 * Return the server's port on 127.0.0.1.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the URL clients connect to.
	 * @param host {@code 127.0.0.1} or {@code localhost}
	 * @return the URL of the main namespace
	 */
	public URI uri(String host) {
		return URI.create((this.tls ? "https" : "http") + "://" + host + ":" + this.port);
	}

	/**
	 * Send a command: {@code drop} closes every connection with 1001, {@code push USER N}
	 * appends N numbered events to the user's stream and delivers them live.
	 * @param line the command
	 */
	public void command(String line) {
		try {
			this.input.write(line + "\n");
			this.input.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the items ({@code payload.i}) the server accepted from a client, in order.
	 * @param clientId the client
	 * @return the items
	 */
	public List<Integer> acceptedItems(String clientId) {
		return this.accepted.stream()
			.map((line) -> line.split(" "))
			.filter((fields) -> fields[0].equals(clientId))
			.map((fields) -> Integer.parseInt(fields[2]))
			.toList();
	}

	/**
	 * Wait for the server's output to show a number of accepted events: the reader of its
	 * output may lag behind the acks.
	 * @param clientId the client
	 * @param count how many
	 * @return the items the server accepted from the client, in order
	 */
	public List<Integer> awaitAcceptedItems(String clientId, int count) {
		return await("events accepted by the server").atMost(Duration.ofSeconds(30))
			.until(() -> acceptedItems(clientId), (items) -> items.size() >= count);
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
