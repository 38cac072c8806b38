package dev.realtime.autoconfigure;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.client.spi.Transport;
import dev.realtime.transport.http.FallbackTransport;
import dev.realtime.transport.http.HttpTransport;
import dev.realtime.transport.websocket.WebSocketTransport;

import static org.assertj.core.api.Assertions.assertThat;

class RealtimeHttpTransportAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeAutoConfiguration.class, RealtimeAuthAutoConfiguration.class,
				RealtimeHttpTransportAutoConfiguration.class))
		.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
				"realtime.auto-connect=false");

	@Test
	void webSocketAloneByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(Transport.class)
				.doesNotHaveBean(RealtimeHttpTransportAutoConfiguration.class);
			assertThat(context.getBean(Transport.class)).isInstanceOf(WebSocketTransport.class);
		});
	}

	@Test
	void httpTransportAloneWhenSelected() {
		this.runner.withPropertyValues("realtime.transport=http").run((context) -> {
			assertThat(context).hasSingleBean(Transport.class);
			assertThat(context.getBean(Transport.class)).isInstanceOf(HttpTransport.class);
		});
	}

	@Test
	void webSocketFallingBackToHttpWhenEnabled() {
		this.runner.withPropertyValues("realtime.websocket-fallback=true").run((context) -> {
			assertThat(context).hasSingleBean(Transport.class);
			assertThat(context.getBean(Transport.class)).isInstanceOf(FallbackTransport.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesTransport() {
		this.runner.withPropertyValues("realtime.transport=http")
			.withUserConfiguration(OwnTransport.class)
			.run((context) -> assertThat(context).hasSingleBean(Transport.class).hasBean("ownTransport"));
	}

	@Test
	void fallbackWithAnotherTransportIsRejectedNamingTheProperties() {
		this.runner.withPropertyValues("realtime.transport=socketio", "realtime.websocket-fallback=true")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.websocket-fallback")
				.hasMessageContaining("realtime.transport=websocket only")
				.hasMessageContaining("socketio, which has no HTTP fallback"));
		this.runner.withPropertyValues("realtime.transport=http", "realtime.websocket-fallback=true")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.websocket-fallback")
				.hasMessageContaining("http, which uses HTTP alone"));
	}

	@Test
	void sockJsEndpointIsDerivedOrConfiguredAndCheckedWithClearErrors() {
		this.runner.withPropertyValues("realtime.transport=http", "realtime.http.url=ws://localhost:1/realtime-sockjs")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.http.url")
				.hasMessageContaining("must be an http:// or https:// URL"));
		this.runner.withPropertyValues("realtime.transport=http", "realtime.url=ws://localhost:1")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.url")
				.hasMessageContaining("set realtime.http.url"));
		assertThat(HttpTransport.endpoint(null, URI.create("wss://hub.example/realtime/?client_id=c&protocol=1")))
			.hasToString("https://hub.example/realtime-sockjs?client_id=c&protocol=1");
		assertThat(HttpTransport.endpoint(URI.create("http://other:8080/sockjs?tenant=t"),
				URI.create("ws://hub.example/realtime?client_id=c")))
			.hasToString("http://other:8080/sockjs?tenant=t&client_id=c");
	}

	@Test
	void proxyCredentialsComeInPairsAndThePortIsChecked() {
		this.runner.withPropertyValues("realtime.proxy.host=proxy.example", "realtime.proxy.username=bob")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.proxy.password")
				.hasMessageContaining("required with realtime.proxy.username"));
		this.runner
			.withPropertyValues("realtime.websocket-fallback=true", "realtime.proxy.host=proxy.example",
					"realtime.proxy.port=70000")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.proxy.port")
				.hasMessageContaining("between 1 and 65535"));
	}

	@Test
	void probeDelaysAreChecked() {
		this.runner
			.withPropertyValues("realtime.websocket-fallback=true", "realtime.http.probe-delay=1m",
					"realtime.http.probe-max-delay=10s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.http.probe-delay")
				.hasMessageContaining("must not be less than the initial delay"));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnTransport {

		@Bean
		Transport ownTransport() {
			return (URI uri, Map<String, String> headers, Transport.TransportListener listener) -> CompletableFuture
				.failedFuture(new IllegalStateException("not connecting"));
		}

	}

}
