package dev.realtime.autoconfigure;

import java.net.InetSocketAddress;
import java.util.Arrays;

import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.client.spi.Transport;
import dev.realtime.transport.TransportProxy;
import dev.realtime.transport.socketio.HttpProxy;
import dev.realtime.transport.socketio.SocketIoTransport;

/**
 * The Socket.IO transport, for {@code realtime.transport=socketio}: built on
 * {@code io.socket:socket.io-client} when it is on the classpath, a startup failure
 * naming the property and the dependency when it is not. It honours
 * {@code realtime.proxy.*} (or the JVM's proxy settings), {@code realtime.ssl.bundle},
 * {@code realtime.max-frame-size} and {@code realtime.connect-timeout}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "realtime.transport", havingValue = "socketio")
class SocketIoTransportConfiguration {

	/** A class of the Socket.IO client library. */
	static final String CLIENT_CLASS = "io.socket.client.IO";

	/** The library's Maven coordinates, as the startup failure names them. */
	static final String CLIENT_COORDINATES = "io.socket:socket.io-client";

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = CLIENT_CLASS)
	static class SocketIoClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		Transport realtimeTransport(RealtimeProperties properties, ObjectProvider<SslBundles> sslBundles) {
			RealtimePropertiesValidator.requireUrl(properties);
			String bundle = properties.getSsl().getBundle();
			RealtimeTransportSetup setup = new RealtimeTransportSetup(properties, sslBundles);
			SslBundle ssl = setup.sslBundle();
			return new SocketIoTransport(RealtimePropertiesValidator.validateMaxFrameSize(properties),
					properties.getConnectTimeout(),
					SocketIoTransport.httpClient(properties.getConnectTimeout(), httpProxy(setup.proxy()),
							(ssl != null) ? ssl.createSslContext() : null,
							(ssl != null) ? trustManager(bundle, ssl) : null));
		}

		/**
		 * Map the proxy the other transports use, checked the same way, to the form the
		 * Socket.IO client's HTTP client takes.
		 * @param proxy the proxy of {@code realtime.proxy.*}
		 * @return the same proxy for the HTTP client
		 */
		private static HttpProxy httpProxy(TransportProxy proxy) {
			InetSocketAddress address = proxy.address();
			return new HttpProxy((address != null) ? address.getHostString() : null,
					(address != null) ? address.getPort() : 0, proxy.username(), proxy.password());
		}

		private static X509TrustManager trustManager(@Nullable String bundle, SslBundle ssl) {
			TrustManager[] managers = ssl.getManagers().getTrustManagers();
			return Arrays.stream(managers)
				.filter(X509TrustManager.class::isInstance)
				.map(X509TrustManager.class::cast)
				.findFirst()
				.orElseThrow(() -> new InvalidConfigurationPropertyValueException("realtime.ssl.bundle", bundle,
						"the SSL bundle has no X.509 trust manager"));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass(CLIENT_CLASS)
	static class SocketIoClientMissingConfiguration {

		@Bean
		@ConditionalOnMissingBean
		Transport realtimeTransport() {
			throw new InvalidConfigurationPropertyValueException("realtime.transport", "socketio",
					"the Socket.IO client library is not on the classpath: add the dependency " + CLIENT_COORDINATES
							+ " (2.1.x) or choose another transport");
		}

	}

}
