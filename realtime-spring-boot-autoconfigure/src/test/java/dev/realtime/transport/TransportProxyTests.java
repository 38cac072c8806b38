package dev.realtime.transport;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TransportProxyTests {

	@Test
	void passwordNeverAppearsInToString() {
		TransportProxy proxy = TransportProxy.of("proxy.example", 3128, "svc", "s3cr3t-pass");
		assertThat(proxy).hasToString("proxy proxy.example:3128 (user svc, password ******)");
		assertThat(TransportProxy.of(null, 3128, null, null)).hasToString("proxy the JVM's proxy settings");
	}

	@Test
	void credentialsComeInPairsAndThePortIsChecked() {
		assertThatIllegalArgumentException().isThrownBy(() -> TransportProxy.of("proxy.example", 3128, "svc", null));
		assertThatIllegalArgumentException().isThrownBy(() -> TransportProxy.of("proxy.example", 0, null, null))
			.withMessageContaining("between 1 and 65535");
		assertThat(TransportProxy.of(" ", 0, null, null).isConfigured()).isFalse();
	}

	@Test
	void jvmRoutesSendOnlyTheHubThroughTheProxyUntilClosed() {
		ProxySelector before = ProxySelector.getDefault();
		URI hub = URI.create("ws://hub.example:8080/realtime?client_id=c");
		URI other = URI.create("http://other.example:8080/");
		try (TransportProxy.Routes routes = TransportProxy.of("127.0.0.1", 3128, null, null).openJvmRoutes()) {
			routes.add(hub);
			// Tomcat asks with http(s) for ws(s)
			assertThat(ProxySelector.getDefault().select(URI.create("http://hub.example:8080/realtime?client_id=c")))
				.singleElement()
				.satisfies((proxy) -> {
					assertThat(proxy.type()).isEqualTo(Proxy.Type.HTTP);
					assertThat(((InetSocketAddress) proxy.address()).getPort()).isEqualTo(3128);
				});
			assertThat(ProxySelector.getDefault().select(other)).isEqualTo(before.select(other));
		}
		assertThat(ProxySelector.getDefault().select(URI.create("http://hub.example:8080/realtime")))
			.isEqualTo(before.select(URI.create("http://hub.example:8080/realtime")));
	}

	@Test
	void withoutAHostNothingIsRoutedAndTheJvmSelectorIsUsed() {
		URI hub = URI.create("http://hub.example:8081/realtime");
		ProxySelector before = ProxySelector.getDefault();
		try (TransportProxy.Routes routes = TransportProxy.jvm().openJvmRoutes()) {
			routes.add(URI.create("ws://hub.example:8081/realtime"));
			assertThat(ProxySelector.getDefault().select(hub)).isEqualTo(before.select(hub));
		}
		assertThat(TransportProxy.jvm().selector()).isSameAs(ProxySelector.getDefault());
	}

}
