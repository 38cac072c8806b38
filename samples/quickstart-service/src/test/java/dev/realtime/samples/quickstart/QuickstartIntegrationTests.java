package dev.realtime.samples.quickstart;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's quick start, step by step, from a fresh directory: step 1 starts the hub
 * with the README's arguments (its main class, from the runnable jar the build packages,
 * in a JVM of its own on an empty working directory, so on a new embedded database);
 * steps 2 to 4 are this module (its dependencies, {@code application.yml} and
 * {@link OrderService}); then a shipped order goes out through the outbox, the hub
 * delivers it back to alice, and the listener of step 4 gets it, as the README says.
 * <p>
 * The README's command,
 * {@code ./mvnw -pl realtime-hub-server -am compile spring-boot:run}, is not run from
 * here: inside the build it would compile again the modules this build is compiling, in
 * the same target directories. The only change to the README's settings are the ports
 * (random free ones instead of 8080 and 8081), since other builds and tests on the
 * machine may hold those.
 */
@ExtendWith(OutputCaptureExtension.class)
class QuickstartIntegrationTests {

	/** Starting a JVM with the hub and migrating its new database, on a busy machine. */
	private static final Duration HUB_START = Duration.ofSeconds(90);

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper mapper = JsonMapper.builder().build();

	private Process hub;

	@AfterEach
	void stopHub() throws InterruptedException {
		if (this.hub != null) {
			this.hub.destroy();
			this.hub.waitFor(30, TimeUnit.SECONDS);
		}
	}

	@Test
	void sendsAndReceivesAsTheReadmeSays(CapturedOutput output) throws Exception {
		int hubPort = freePort();
		Path hubLog = startHub(hubPort, "--realtime.hub.tokens.alice-token=alice", "--realtime.hub.rooms.open=orders");
		await().atMost(HUB_START)
			.pollInterval(Duration.ofMillis(500))
			.failFast("the hub exited; its log is " + hubLog, () -> !this.hub.isAlive())
			.until(() -> "UP".equals(statusOf(health(hubPort))));

		// the README's health setting (step 3's application.yml does without it)
		try (ConfigurableApplicationContext service = new SpringApplicationBuilder(QuickstartApplication.class).run(
				"--server.port=0", "--realtime.url=ws://localhost:" + hubPort + "/realtime",
				"--management.endpoint.health.show-components=always")) {
			await().atMost(WAIT).until(() -> output.getOut().contains("Realtime client 'alice' connected"));
			int servicePort = Integer.parseInt(service.getEnvironment().getRequiredProperty("local.server.port"));
			assertThat(status(this.mapper.readTree(health(servicePort)).path("components").path("realtime")))
				.isEqualTo("UP");

			OrderRepository orders = service.getBean(OrderRepository.class);
			orders.save(new Order(42, "NEW"));
			service.getBean(OrderService.class).ship(new Order(42, "NEW"));

			assertThat(orders.find(42)).contains(new Order(42, "SHIPPED"));
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(output.getOut())
					.containsPattern("Received order\\.shipped \\{.*\"orderId\":42.*}"));
		}
	}

	/**
	 * Start the hub as the README's command does: its main class with the README's
	 * arguments, on an empty working directory.
	 * @param port the port, instead of 8080
	 * @param arguments the README's arguments
	 * @return the file the hub logs to
	 */
	private Path startHub(int port, String... arguments) throws IOException {
		Path workingDirectory = Files.createTempDirectory("quickstart-hub");
		Path log = workingDirectory.resolve("hub.log");
		List<String> command = new ArrayList<>(List
			.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", hubJar().toString()));
		command.addAll(Arrays.asList(arguments));
		command.add("--server.port=" + port);
		this.hub = new ProcessBuilder(command).directory(workingDirectory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		return log;
	}

	/**
	 * Return the hub's runnable jar, which the build packages before this test runs.
	 */
	private static Path hubJar() {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.map(Path::of)
			.filter((entry) -> entry.getFileName().toString().startsWith("realtime-hub-server"))
			.findFirst()
			.filter((entry) -> entry.toString().endsWith(".jar"))
			.orElseThrow(() -> new IllegalStateException("The hub's runnable jar is not on the test class path: run "
					+ "this test in the failsafe phase (verify -Dit.test=QuickstartIntegrationTests), after "
					+ "realtime-hub-server is packaged"));
	}

	private String health(int port) {
		try {
			return this.http
				.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
		}
		catch (IOException ex) {
			return "not answering: " + ex.getMessage();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "interrupted";
		}
	}

	private String statusOf(String health) {
		return (health.startsWith("{")) ? status(this.mapper.readTree(health)) : health;
	}

	private static String status(JsonNode health) {
		return health.path("status").asString();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
