package dev.realtime.testkit;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.hub.DefaultHub;
import dev.realtime.hub.InMemoryHubStore;

/**
 * The hub engine of the {@code realtime-hub} module in an application context and Tomcat
 * of its own, on a random port, with the in-memory store. Nothing of it reaches the
 * application under test but its URL and tokens.
 */
final class EmbeddedRealtimeHub implements AutoCloseable {

	private final HubFaults faults = new HubFaults();

	private final HubRecorder recorder = new HubRecorder();

	private final InMemoryHubStore store = new InMemoryHubStore(JsonMapper.builder().build());

	private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "realtime-test-hub-delays");
		thread.setDaemon(true);
		return thread;
	});

	private @Nullable ConfigurableApplicationContext context;

	private int port;

	/**
	 * Start a hub on a random port.
	 * @return the started hub
	 */
	static EmbeddedRealtimeHub start() {
		EmbeddedRealtimeHub hub = new EmbeddedRealtimeHub();
		hub.run(0);
		return hub;
	}

	private void run(int requestedPort) {
		SpringApplicationBuilder builder = new SpringApplicationBuilder(EmbeddedHubConfiguration.class)
			.web(WebApplicationType.SERVLET)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			// the application's own configuration files and properties are not the hub's
			.properties(Map.of("spring.config.location", "optional:classpath:/realtime-test-hub/", "server.port",
					String.valueOf(requestedPort), "realtime.hub.store", "memory",
					// the service's rooms are its own business here: the test hub lets
					// every user join every room (RoomAuthorizer is the hub's concern)
					"realtime.hub.rooms.open", "*", "spring.main.lazy-initialization", "false"))
			.initializers((context) -> {
				context.getBeanFactory().registerSingleton("testHubFaults", this.faults);
				context.getBeanFactory().registerSingleton("testHubStore", this.store);
				context.getBeanFactory()
					.registerSingleton("testHubFaultTap", new FaultTap(this.faults, this.recorder, this.delays));
			});
		// the logging system is the application's: a second initialization would replace
		// its configuration, and closing the hub would tear it down
		SpringApplication application = builder.application();
		application.setListeners(application.getListeners()
			.stream()
			.filter((listener) -> !(listener instanceof LoggingApplicationListener))
			.toList());
		ConfigurableApplicationContext started = builder.run();
		this.context = started;
		WebServer server = ((WebServerApplicationContext) started).getWebServer();
		this.port = Objects.requireNonNull(server, "the hub's context runs a web server").getPort();
	}

	URI url() {
		return URI.create("ws://localhost:" + this.port + "/realtime");
	}

	DefaultHub hub() {
		return context().getBean(DefaultHub.class);
	}

	HubFaults faults() {
		return this.faults;
	}

	HubRecorder recorder() {
		return this.recorder;
	}

	ScheduledExecutorService scheduler() {
		return this.delays;
	}

	/**
	 * Stop the hub (its connections go down as in a crash of the server) and start it
	 * again on the same port.
	 * @param keepStore whether the new hub finds what the old one stored
	 */
	void restart(boolean keepStore) {
		context().close();
		if (!keepStore) {
			this.store.clear();
		}
		run(this.port);
	}

	private ConfigurableApplicationContext context() {
		ConfigurableApplicationContext current = this.context;
		if (current == null) {
			throw new IllegalStateException("The embedded hub is not running");
		}
		return current;
	}

	@Override
	public void close() {
		if (this.context != null) {
			this.context.close();
			this.context = null;
		}
		this.delays.shutdownNow();
	}

}
