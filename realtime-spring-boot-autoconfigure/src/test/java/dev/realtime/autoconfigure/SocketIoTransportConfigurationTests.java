package dev.realtime.autoconfigure;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.client.spi.Transport;
import dev.realtime.transport.socketio.SocketIoTransport;
import dev.realtime.transport.websocket.WebSocketTransport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code realtime.transport} picks the transport: WebSocket by default, Socket.IO when
 * asked for and its client library is there, a clear startup failure when it is not.
 */
class SocketIoTransportConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeAutoConfiguration.class, RealtimeAuthAutoConfiguration.class))
		.withPropertyValues("realtime.user-id=alice", "realtime.auto-connect=false");

	@Test
	void webSocketIsTheDefaultTransport() {
		this.runner.withPropertyValues("realtime.url=ws://localhost:1/realtime")
			.run((context) -> assertThat(context).getBean(Transport.class).isInstanceOf(WebSocketTransport.class));
	}

	@Test
	void socketIoTransportWinsOverTheWebSocketOneWhenChosen() {
		this.runner.withPropertyValues("realtime.transport=socketio", "realtime.url=http://localhost:1")
			.run((context) -> assertThat(context).hasSingleBean(Transport.class)
				.getBean(Transport.class)
				.isInstanceOf(SocketIoTransport.class));
	}

	@Test
	void socketIoTransportNeedsNoWebSocketContainer() {
		this.runner.withClassLoader(new FilteredClassLoader("jakarta.websocket"))
			.withPropertyValues("realtime.transport=socketio", "realtime.url=https://localhost:1/chat")
			.run((context) -> assertThat(context).getBean(Transport.class).isInstanceOf(SocketIoTransport.class));
	}

	@Test
	void socketIoWithoutItsClientLibraryFailsNamingThePropertyAndTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader("io.socket"))
			.withPropertyValues("realtime.transport=socketio", "realtime.url=http://localhost:1")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("realtime.transport")
				.hasMessageContaining("io.socket:socket.io-client"));
	}

	@Test
	void webSocketTransportNeedsNoSocketIoLibrary() {
		this.runner.withClassLoader(new FilteredClassLoader("io.socket"))
			.withPropertyValues("realtime.url=ws://localhost:1/realtime")
			.run((context) -> assertThat(context).getBean(Transport.class).isInstanceOf(WebSocketTransport.class));
	}

	@Test
	void socketIoRefusesAWebSocketUrlNamingTheProperty() {
		this.runner.withPropertyValues("realtime.transport=socketio", "realtime.url=ws://localhost:1/realtime")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("realtime.url")
				.hasMessageContaining("http:// or https://"));
	}

	@Test
	void webSocketRefusesAnHttpUrlNamingTheProperty() {
		this.runner.withPropertyValues("realtime.transport=websocket", "realtime.url=http://localhost:1")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.url")
				.hasMessageContaining("ws:// or wss://"));
	}

	@Test
	void rejectsAProxyPortOutOfRangeNamingTheProperty() {
		this.runner
			.withPropertyValues("realtime.transport=socketio", "realtime.url=http://localhost:1",
					"realtime.proxy.host=proxy.example", "realtime.proxy.port=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.proxy.port"));
	}

	@Test
	void unknownSslBundleFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("realtime.transport=socketio", "realtime.url=https://localhost:1",
					"realtime.ssl.bundle=missing")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.ssl.bundle"));
	}

	@Test
	void backsOffWhenTheApplicationDefinesItsTransport() {
		this.runner.withUserConfiguration(OwnTransport.class)
			.withPropertyValues("realtime.transport=socketio", "realtime.url=http://localhost:1")
			.run((context) -> assertThat(context).hasSingleBean(Transport.class).hasBean("ownTransport"));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTransport {

		@Bean
		Transport ownTransport() {
			return (URI uri, Map<String, String> headers, Transport.TransportListener listener) -> CompletableFuture
				.failedFuture(new IllegalStateException("not connected in this test"));
		}

	}

}
