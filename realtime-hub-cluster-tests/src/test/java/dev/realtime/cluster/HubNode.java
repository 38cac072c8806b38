package dev.realtime.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One hub node: {@code java -jar realtime-hub-server.jar} as a process of its own, on a
 * fixed port (a restarted node comes back where the balancer expects it), logging to a
 * file of the run's directory.
 */
final class HubNode implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final int index;

	private final int port;

	private final Path directory;

	private final List<String> arguments;

	private final String maxHeap;

	private Process process;

	private int starts;

	/**
	 * Start a node.
	 * @param index the node's number, from 0
	 * @param port its HTTP port
	 * @param directory the run's directory, for its working directory and log
	 * @param maxHeap its {@code -Xmx}
	 * @param arguments its Spring Boot arguments ({@code --name=value})
	 */
	HubNode(int index, int port, Path directory, String maxHeap, List<String> arguments) {
		this.index = index;
		this.port = port;
		this.directory = directory.resolve("node-" + index);
		this.maxHeap = maxHeap;
		this.arguments = List.copyOf(arguments);
		this.process = start();
	}

	private Process start() {
		this.starts++;
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + this.maxHeap,
						"-jar", hubJar().toString()));
		command.addAll(this.arguments);
		command.add("--server.port=" + this.port);
		command.add("--realtime.hub.node-id=node-" + this.index);
		try {
			Files.createDirectories(this.directory);
			return new ProcessBuilder(command).directory(this.directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	int index() {
		return this.index;
	}

	String name() {
		return "node-" + this.index;
	}

	int port() {
		return this.port;
	}

	Path log() {
		return this.directory.resolve("hub.log");
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * SIGKILL the node's JVM ({@link Process#destroyForcibly()}): no shutdown hook, no
	 * close frame, its connections reset by the kernel.
	 */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("node-" + this.index + " still runs 30 s after SIGKILL");
		}
	}

	void restart() {
		this.process = start();
	}

	/**
	 * Return the status of {@code /actuator/health} or of one of its groups or
	 * components, or what went wrong asking.
	 * @param path {@code ""}, {@code "/liveness"}, {@code "/readiness"} or
	 * {@code "/redis"}
	 * @return the status, such as {@code UP}, or a description starting with {@code "no
	 * answer"}
	 */
	String status(String path) {
		try {
			HttpResponse<String> response = HTTP
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health" + path))
					.timeout(Duration.ofSeconds(5))
					.build(), HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() == 404) {
				return "no such health path (404)";
			}
			JsonNode status = JSON.readTree(response.body()).path("status");
			return status.isMissingNode() ? "no status in " + response.body() : status.asString();
		}
		catch (IOException | RuntimeException ex) {
			return "no answer: " + ex;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	@Override
	public String toString() {
		return name() + " (port " + this.port + ", started " + this.starts + " time(s), log " + log() + ")";
	}

	/**
	 * Ask the node to stop (SIGTERM) without waiting for it, so that several nodes stop
	 * at once; {@link #close()} waits.
	 */
	void terminate() {
		this.process.destroy();
	}

	@Override
	public void close() throws InterruptedException {
		terminate();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	/**
	 * Return the hub's runnable jar, which the build packages before this test runs and
	 * names in a system property (see this module's pom).
	 */
	private static Path hubJar() {
		String jar = System.getProperty("realtime.cluster.hub-jar", "");
		if (!jar.endsWith(".jar") || !Files.isRegularFile(Path.of(jar))) {
			throw new IllegalStateException("The hub's runnable jar is not packaged ('" + jar + "'): run this test "
					+ "in the failsafe phase (verify -Dit.test=HubClusterIntegrationTests), after realtime-hub-server "
					+ "is packaged");
		}
		return Path.of(jar);
	}

}
