package dev.realtime.autoconfigure;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

import dev.realtime.transport.TransportProxy;
import dev.realtime.transport.websocket.WebSocketTransport;

/**
 * What every transport configuration reads from {@code realtime.*} the same way: the SSL
 * bundle of {@code realtime.ssl.bundle}, the proxy of {@code realtime.proxy.*}, the
 * WebSocket transport (alone, or as the first choice of the HTTP fallback) and the
 * bounded pool the transports write and close on. One holder, so that the WebSocket, HTTP
 * and Socket.IO configurations share it instead of calling each other's static helpers.
 */
final class RealtimeTransportSetup {

	private final RealtimeProperties properties;

	private final ObjectProvider<SslBundles> sslBundles;

	RealtimeTransportSetup(RealtimeProperties properties, ObjectProvider<SslBundles> sslBundles) {
		this.properties = properties;
		this.sslBundles = sslBundles;
	}

	/**
	 * Create the pool that writes and closes sessions off the clients' event loops, so
	 * that a hub that stops reading holds up no other client: at most 16 threads however
	 * many clients there are (a write waits for a slow hub at most
	 * {@code WebSocketTransport.WRITE_TIMEOUT}); idle, it has none. The configuration
	 * that creates it shuts it down. Not a bean: an {@code Executor} bean would make Boot
	 * back off from its {@code applicationTaskExecutor}.
	 * @return the pool
	 */
	static ThreadPoolExecutor newIoPool() {
		ThreadPoolExecutor io = new ThreadPoolExecutor(16, 16, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				(task) -> {
					Thread thread = new Thread(task, "realtime-transport");
					thread.setDaemon(true);
					return thread;
				});
		io.allowCoreThreadTimeOut(true);
		return io;
	}

	/**
	 * Build the WebSocket transport of {@code realtime.*}.
	 * @param io the pool it writes and closes on
	 * @param proxy the proxy it connects through
	 * @return the transport
	 */
	WebSocketTransport webSocket(Executor io, TransportProxy proxy) {
		return new WebSocketTransport(RealtimePropertiesValidator.validateMaxFrameSize(this.properties),
				this.properties.getConnectTimeout(), io, sslContext(), proxy);
	}

	/**
	 * Return the SSL context of {@code realtime.ssl.bundle}.
	 * @return the context, or {@code null} when no bundle is named
	 */
	@Nullable SSLContext sslContext() {
		SslBundle sslBundle = sslBundle();
		return (sslBundle != null) ? sslBundle.createSslContext() : null;
	}

	/**
	 * Look up the SSL bundle named by {@code realtime.ssl.bundle}.
	 * @return the bundle, or {@code null} when none is named
	 */
	@Nullable SslBundle sslBundle() {
		return SslBundleLookup.find("realtime.ssl.bundle", this.properties.getSsl().getBundle(), this.sslBundles);
	}

	/**
	 * Return the proxy of {@code realtime.proxy.*}, or the JVM's proxy settings without a
	 * host.
	 * @return the proxy
	 */
	TransportProxy proxy() {
		ProxyProperties proxy = this.properties.getProxy();
		if (proxy.getUsername() != null && proxy.getPassword() == null) {
			throw new InvalidConfigurationPropertyValueException("realtime.proxy.password", null,
					"required with realtime.proxy.username");
		}
		if (proxy.getUsername() == null && proxy.getPassword() != null) {
			throw new InvalidConfigurationPropertyValueException("realtime.proxy.username", null,
					"required with realtime.proxy.password");
		}
		return RealtimePropertiesValidator.check("realtime.proxy.port", proxy.getPort(),
				() -> TransportProxy.of(proxy.getHost(), proxy.getPort(), proxy.getUsername(), proxy.getPassword()));
	}

}
