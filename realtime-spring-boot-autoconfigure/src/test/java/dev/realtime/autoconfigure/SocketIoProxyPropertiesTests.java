package dev.realtime.autoconfigure;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.realtime.client.spi.Transport;
import dev.realtime.transport.socketio.SocketIoTransport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Socket.IO transport checks {@code realtime.proxy.*} as the WebSocket and HTTP
 * transports do: credentials come in pairs, or the application does not start.
 */
class SocketIoProxyPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeAutoConfiguration.class, RealtimeAuthAutoConfiguration.class))
		.withPropertyValues("realtime.user-id=alice", "realtime.auto-connect=false", "realtime.transport=socketio",
				"realtime.url=http://localhost:1", "realtime.proxy.host=proxy.example", "realtime.proxy.port=3128");

	@Test
	void aProxyUserNameWithoutAPasswordFailsNamingTheMissingProperty() {
		this.runner.withPropertyValues("realtime.proxy.username=bob")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("realtime.proxy.password")
				.hasMessageContaining("required with realtime.proxy.username"));
	}

	@Test
	void aProxyPasswordWithoutAUserNameFailsNamingTheMissingProperty() {
		this.runner.withPropertyValues("realtime.proxy.password=s3cret")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("realtime.proxy.username")
				.hasMessageContaining("required with realtime.proxy.password")
				.message()
				.doesNotContain("s3cret"));
	}

	@Test
	void aProxyWithBothCredentialsStarts() {
		this.runner.withPropertyValues("realtime.proxy.username=bob", "realtime.proxy.password=s3cret")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(Transport.class)
				.isInstanceOf(SocketIoTransport.class));
	}

}
