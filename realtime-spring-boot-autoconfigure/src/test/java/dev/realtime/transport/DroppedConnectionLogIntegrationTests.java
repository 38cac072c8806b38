package dev.realtime.transport;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.spi.Transport;
import dev.realtime.test.FaultProxy;
import dev.realtime.test.NodeSocketIoServer;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestHub;
import dev.realtime.transport.http.HttpTransport;
import dev.realtime.transport.socketio.HttpProxy;
import dev.realtime.transport.socketio.SocketIoTransport;
import dev.realtime.transport.websocket.WebSocketTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection the network drops (the proxy in front of the server closes it, as a server
 * going away would, or resets it, as a crashed server or a firewall would) is an expected
 * fault the client recovers from: it logs one WARN line without a stack trace, no ERROR,
 * and the client reconnects; at DEBUG the transport logs the stack trace too. Over
 * WebSocket and SockJS (HTTP transport) to {@link TestHub}, and over Socket.IO to a
 * Node.js Socket.IO server; logging at INFO, a Spring Boot application's default.
 */
@ExtendWith(OutputCaptureExtension.class)
class DroppedConnectionLogIntegrationTests {

	private static final TestHub hub = TestHub.start();

	private static NodeSocketIoServer socketIo;

	private static final ExecutorService executor = Executors.newCachedThreadPool();

	private DefaultRealtimeClient client;

	private FaultProxy proxy;

	@BeforeAll
	static void start() {
		LoggingSystem.get(DroppedConnectionLogIntegrationTests.class.getClassLoader())
			.setLogLevel(LoggingSystem.ROOT_LOGGER_NAME, LogLevel.INFO);
		socketIo = NodeSocketIoServer.start("{\"alice-token\":\"alice\"}");
	}

	@AfterAll
	static void stop() {
		hub.close();
		socketIo.close();
		executor.shutdownNow();
	}

	@AfterEach
	void closeClient() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	/**
	 * Closed, not reset: after a reset Tomcat's WebSocket client, writing its close frame
	 * to the dead connection, logs a WARN with the stack trace of its own
	 * ({@code WsRemoteEndpointImplClient}: "Write to the remote endpoint failed"), which
	 * only the application's logging configuration can quieten.
	 * @param output the captured output
	 */
	@Test
	void droppedWebSocketLogsOneWarningLine(CapturedOutput output) {
		assertDropLogsOneWarning(output, FaultProxy.Cut.CLOSE, hub.uri(),
				(settings) -> new WebSocketTransport(1 << 20, Duration.ofSeconds(5), executor));
	}

	@ParameterizedTest
	@EnumSource(FaultProxy.Cut.class)
	void droppedSockJsSessionLogsOneWarningLine(FaultProxy.Cut cut, CapturedOutput output) {
		assertDropLogsOneWarning(output, cut, hub.uri(), (settings) -> new HttpTransport(null, 1 << 20,
				Duration.ofSeconds(5), executor, null, TransportProxy.jvm()));
	}

	@ParameterizedTest
	@EnumSource(FaultProxy.Cut.class)
	void droppedSocketIoConnectionLogsOneWarningLine(FaultProxy.Cut cut, CapturedOutput output) {
		assertDropLogsOneWarning(output, cut, socketIo.uri("127.0.0.1"),
				(settings) -> new SocketIoTransport(1 << 20, Duration.ofSeconds(5),
						SocketIoTransport.httpClient(Duration.ofSeconds(5), HttpProxy.JVM_SETTINGS, null, null)));
	}

	@Test
	void debugLevelKeepsTheStackTrace(CapturedOutput output) {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel(HttpTransport.class.getName(), LogLevel.DEBUG);
		try {
			connectThroughProxy(hub.uri(), (settings) -> new HttpTransport(null, 1 << 20, Duration.ofSeconds(5),
					executor, null, TransportProxy.jvm()));
			int before = output.getAll().length();
			this.proxy.cutAll(FaultProxy.Cut.RESET);
			await().atMost(Duration.ofSeconds(30)).until(() -> this.client.metrics().reconnects() >= 1);
			assertThat(output.getAll().substring(before)).contains("DEBUG")
				.contains("Realtime http connection to 127.0.0.1:" + this.proxy.port() + " lost")
				.containsPattern("(?m)^\\tat ");
		}
		finally {
			logging.setLogLevel(HttpTransport.class.getName(), null);
		}
	}

	private void connectThroughProxy(URI server, Function<URI, Transport> transport) {
		this.proxy = FaultProxy.inFrontOf(server.toString());
		URI routed = this.proxy.route(server);
		this.client = TestClients.create(TestClients.fastSettings(routed, "alice").build(),
				new StaticTokenProvider("alice-token"), transport.apply(routed));
		this.client.connect();
		await().atMost(Duration.ofSeconds(30)).until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
	}

	private void assertDropLogsOneWarning(CapturedOutput output, FaultProxy.Cut cut, URI server,
			Function<URI, Transport> transport) {
		connectThroughProxy(server, transport);
		int before = output.getAll().length();

		assertThat(this.proxy.cutAll(cut)).isPositive();

		await().atMost(Duration.ofSeconds(30)).until(() -> this.client.metrics().reconnects() >= 1);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		List<String> lines = Arrays.asList(output.getAll().substring(before).split("\\R"));
		assertThat(lines).as("WARN lines").filteredOn((line) -> line.contains(" WARN ")).hasSize(1);
		assertThat(lines).as("ERROR lines").noneMatch((line) -> line.contains(" ERROR "));
		assertThat(lines).as("stack trace lines")
			.noneMatch((line) -> line.startsWith("\tat ") || line.startsWith("Caused by:"));
	}

}
