package dev.realtime.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.spi.Transport;
import dev.realtime.transport.TransportProxy;
import dev.realtime.transport.http.FallbackTransport;
import dev.realtime.transport.http.HttpTransport;
import dev.realtime.transport.websocket.WebSocketTransport;

/**
 * Auto-configuration of the HTTP transport ({@code realtime.transport=http}: SockJS over
 * HTTP alone) and of the WebSocket transport that falls back to it
 * ({@code realtime.websocket-fallback=true}). Ordered before
 * {@link RealtimeAutoConfiguration}, whose WebSocket transport backs off when one of
 * these is defined; an application's own {@link Transport} bean replaces either.
 */
@AutoConfiguration(before = RealtimeAutoConfiguration.class,
		afterName = "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration")
@ConditionalOnRealtimeEnabled
@Conditional(RealtimeHttpTransportAutoConfiguration.OnHttpTransport.class)
@EnableConfigurationProperties(RealtimeProperties.class)
public final class RealtimeHttpTransportAutoConfiguration implements DisposableBean {

	private static final Log logger = LogFactory.getLog(RealtimeHttpTransportAutoConfiguration.class);

	/**
	 * Runs connects, writes and closes of the transports, bounded like the WebSocket
	 * transport's pool so that threads do not grow with the number of users. Not a bean:
	 * an {@code Executor} bean would make Boot back off from its
	 * {@code applicationTaskExecutor}.
	 */
	private final ExecutorService executor = RealtimeTransportSetup.newIoPool();

	/** Runs the WebSocket probes of a client that fell back to HTTP. */
	private final ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "realtime-transport-probe");
		thread.setDaemon(true);
		return thread;
	});

	@Bean
	@ConditionalOnMissingBean
	Transport realtimeHttpTransport(RealtimeProperties properties, ObjectProvider<SslBundles> sslBundles) {
		validate(properties);
		int maxFrameSize = RealtimePropertiesValidator.validateMaxFrameSize(properties);
		URI url = RealtimePropertiesValidator.requireUrl(properties);
		URI httpUrl = httpUrl(properties, url);
		RealtimeTransportSetup setup = new RealtimeTransportSetup(properties, sslBundles);
		TransportProxy proxy = setup.proxy();
		HttpTransport http = new HttpTransport(properties.getHttp().getUrl(), maxFrameSize,
				properties.getConnectTimeout(), this.executor, setup.sslContext(), proxy);
		if (properties.getTransport() == RealtimeProperties.TransportType.HTTP) {
			logger.info("Realtime transport: http (SockJS at " + httpUrl + ")");
			return http;
		}
		HttpProperties settings = properties.getHttp();
		ExponentialBackoff probeBackoff = RealtimePropertiesValidator.check("realtime.http.probe-delay",
				settings.getProbeDelay() + ".." + settings.getProbeMaxDelay(),
				() -> new ExponentialBackoff(settings.getProbeDelay(), settings.getProbeMaxDelay(), 0.2));
		WebSocketTransport webSocket = setup.webSocket(this.executor, proxy);
		logger.info("Realtime transport: websocket, falling back to http (SockJS at " + httpUrl + ")");
		// the WebSocket attempt gets half the connect timeout: HTTP needs the rest
		return new FallbackTransport(webSocket, "websocket", http, "http", properties.getConnectTimeout().dividedBy(2),
				probeBackoff, this.probes);
	}

	@Override
	public void destroy() {
		this.probes.shutdownNow();
		this.executor.shutdown();
	}

	private static void validate(RealtimeProperties properties) {
		RealtimeProperties.TransportType transport = properties.getTransport();
		if (properties.isWebsocketFallback() && transport != RealtimeProperties.TransportType.WEBSOCKET) {
			throw new InvalidConfigurationPropertyValueException("realtime.websocket-fallback", true,
					"it applies to realtime.transport=websocket only; realtime.transport is "
							+ transport.name().toLowerCase()
							+ ((transport == RealtimeProperties.TransportType.HTTP) ? ", which uses HTTP alone"
									: ", which has no HTTP fallback")
							+ ": remove realtime.websocket-fallback or set realtime.transport=websocket");
		}
		Duration probeDelay = properties.getHttp().getProbeDelay();
		if (probeDelay.isNegative() || probeDelay.isZero()) {
			throw new InvalidConfigurationPropertyValueException("realtime.http.probe-delay", probeDelay,
					"must be positive");
		}
	}

	private static URI httpUrl(RealtimeProperties properties, URI url) {
		URI httpUrl = properties.getHttp().getUrl();
		if (httpUrl != null) {
			RealtimePropertiesValidator.check("realtime.http.url", httpUrl, () -> {
				HttpTransport.requireHttp(httpUrl);
				return httpUrl;
			});
			return httpUrl;
		}
		return RealtimePropertiesValidator.check("realtime.url", url, () -> HttpTransport.endpoint(null, url));
	}

	/**
	 * Matches when the HTTP transport is selected or WebSocket may fall back to it.
	 */
	static final class OnHttpTransport extends AnyNestedCondition {

		OnHttpTransport() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = "realtime.transport", havingValue = "http")
		static final class HttpSelected {

		}

		@ConditionalOnBooleanProperty("realtime.websocket-fallback")
		static final class FallbackEnabled {

		}

	}

}
