package dev.realtime.transport;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
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
import dev.realtime.test.ClientLog;
import dev.realtime.test.FaultProxy;
import dev.realtime.test.HubFixture;
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
 * and the client reconnects; at DEBUG the transport logs the stack trace too. A SockJS
 * connect whose streaming the hub refuses polls instead, and logs nothing. Over WebSocket
 * and SockJS (HTTP transport) to {@link TestHub}, and over Socket.IO to a Node.js
 * Socket.IO server; logging at INFO, a Spring Boot application's default.
 */
@ExtendWith(OutputCaptureExtension.class)
class DroppedConnectionLogIntegrationTests {

	@RegisterExtension
	static final HubFixture fixture = HubFixture.direct();

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
	 * Over WebSocket a reset also makes Tomcat's WebSocket client log a WARN with its
	 * stack trace, which the client cannot prevent: reading the reset, Tomcat closes the
	 * session by writing a close frame to the dead connection first
	 * ({@code WsSession.doClose}), and its {@code WsRemoteEndpointImplClient} logs every
	 * failed write at WARN, before the client hears of the loss. Only the application's
	 * logging configuration can quieten that logger; the client's own record is still one
	 * line.
	 * @param cut how the connection is dropped
	 * @param output the captured output
	 */
	@ParameterizedTest
	@EnumSource(FaultProxy.Cut.class)
	void droppedWebSocketLogsOneWarningLine(FaultProxy.Cut cut, CapturedOutput output) {
		List<ClientLog.Record> records = dropAndReconnect(output, cut, fixture.hub().uri(),
				(settings) -> new WebSocketTransport(1 << 20, Duration.ofSeconds(5), executor));
		List<ClientLog.Record> tomcat = records.stream()
			.filter((record) -> record.logger().endsWith(".WsRemoteEndpointImplClient"))
			.toList();
		if (cut == FaultProxy.Cut.CLOSE) {
			assertThat(tomcat).isEmpty();
		}
		assertThat(tomcat).allSatisfy((record) -> assertThat(record.line()).contains("Write to the remote endpoint"));
		assertOneWarningLine(records.stream().filter((record) -> !tomcat.contains(record)).toList());
	}

	@ParameterizedTest
	@EnumSource(FaultProxy.Cut.class)
	void droppedSockJsSessionLogsOneWarningLine(FaultProxy.Cut cut, CapturedOutput output) {
		assertOneWarningLine(dropAndReconnect(output, cut, fixture.hub().uri(), (settings) -> new HttpTransport(null,
				1 << 20, Duration.ofSeconds(5), executor, null, TransportProxy.jvm())));
	}

	@ParameterizedTest
	@EnumSource(FaultProxy.Cut.class)
	void droppedSocketIoConnectionLogsOneWarningLine(FaultProxy.Cut cut, CapturedOutput output) {
		assertOneWarningLine(dropAndReconnect(output, cut, socketIo.uri("127.0.0.1"),
				(settings) -> new SocketIoTransport(1 << 20, Duration.ofSeconds(5),
						SocketIoTransport.httpClient(Duration.ofSeconds(5), HttpProxy.JVM_SETTINGS, null, null))));
	}

	/**
	 * A hub that serves SockJS's XHR polling only (as behind a proxy that buffers
	 * responses): the first connect's XHR streaming request is refused, and the transport
	 * polls without an ERROR or a WARN.
	 * @param output the captured output
	 */
	@Test
	void refusedStreamingFallsBackToPollingWithoutError(CapturedOutput output) {
		TestHub pollingOnly = fixture.start("testhub.sockjs.streaming=false");
		int before = output.getAll().length();
		connectThroughProxy(pollingOnly.uri(), (settings) -> new HttpTransport(null, 1 << 20, Duration.ofSeconds(5),
				executor, null, TransportProxy.jvm()));
		this.client.sendEvent("polled", Map.of("n", 1)).acknowledged().orTimeout(30, TimeUnit.SECONDS).join();
		assertThat(pollingOnly.received()).hasSize(1);
		assertThat(ClientLog.records(output.getAll().substring(before))).as("the client's WARN and ERROR records")
			.noneMatch((record) -> record.level().equals("WARN") || record.level().equals("ERROR"));
	}

	@Test
	void debugLevelKeepsTheStackTrace(CapturedOutput output) {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel(HttpTransport.class.getName(), LogLevel.DEBUG);
		try {
			connectThroughProxy(fixture.hub().uri(), (settings) -> new HttpTransport(null, 1 << 20,
					Duration.ofSeconds(5), executor, null, TransportProxy.jvm()));
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

	private List<ClientLog.Record> dropAndReconnect(CapturedOutput output, FaultProxy.Cut cut, URI server,
			Function<URI, Transport> transport) {
		connectThroughProxy(server, transport);
		int before = output.getAll().length();

		assertThat(this.proxy.cutAll(cut)).isPositive();

		await().atMost(Duration.ofSeconds(30)).until(() -> this.client.metrics().reconnects() >= 1);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		return ClientLog.records(output.getAll().substring(before));
	}

	private static void assertOneWarningLine(List<ClientLog.Record> records) {
		assertThat(records).as("WARN records")
			.filteredOn((record) -> record.level().equals("WARN"))
			.singleElement()
			.satisfies((record) -> assertThat(record.line()).containsPattern("Realtime \\w+ connection to .* lost: "));
		assertThat(records).as("ERROR records").noneMatch((record) -> record.level().equals("ERROR"));
		assertThat(records).as("records with a stack trace").noneMatch(ClientLog.Record::hasStackTrace);
	}

}
