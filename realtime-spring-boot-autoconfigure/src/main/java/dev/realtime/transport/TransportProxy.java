package dev.realtime.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;

/**
 * The HTTP proxy between the client and the hub: a configured one (host, port and
 * optional credentials), or whatever the JVM's {@link ProxySelector} picks
 * ({@code http.proxyHost}, {@code https.proxyHost}, {@code http.nonProxyHosts}). The
 * password never appears in {@link #toString()}.
 */
public final class TransportProxy {

	private static final TransportProxy JVM = new TransportProxy(null, null, null);

	private final @Nullable InetSocketAddress address;

	private final @Nullable String username;

	private final @Nullable String password;

	private TransportProxy(@Nullable InetSocketAddress address, @Nullable String username, @Nullable String password) {
		this.address = address;
		this.username = username;
		this.password = password;
	}

	/**
	 * The JVM's proxy settings, without credentials.
	 * @return the proxy
	 */
	public static TransportProxy jvm() {
		return JVM;
	}

	/**
	 * A proxy, or the JVM's proxy settings when no host is given.
	 * @param host the proxy's host, or {@code null} for the JVM's settings
	 * @param port the proxy's port
	 * @param username the user for the proxy's authentication, or {@code null} for none
	 * @param password the password, required with a user name
	 * @return the proxy
	 * @throws IllegalArgumentException if the port is out of range, or a user name comes
	 * without a password or the other way round
	 */
	public static TransportProxy of(@Nullable String host, int port, @Nullable String username,
			@Nullable String password) {
		if ((username == null) != (password == null)) {
			throw new IllegalArgumentException("a proxy user name needs a password and a password needs a user name");
		}
		if (host == null || host.isBlank()) {
			return new TransportProxy(null, username, password);
		}
		if (port < 1 || port > 65535) {
			throw new IllegalArgumentException("proxy port must be between 1 and 65535, was " + port);
		}
		return new TransportProxy(InetSocketAddress.createUnresolved(host.trim(), port), username, password);
	}

	/**
	 * Return whether a proxy host is configured (else the JVM's settings apply).
	 * @return whether a host is configured
	 */
	public boolean isConfigured() {
		return this.address != null;
	}

	/**
	 * Return the configured proxy's address, unresolved, for a client that takes a host
	 * and a port.
	 * @return the address, or {@code null} when the JVM's settings apply
	 */
	public @Nullable InetSocketAddress address() {
		return this.address;
	}

	/**
	 * Return the user name for the proxy's authentication.
	 * @return the user name, or {@code null} for none
	 */
	public @Nullable String username() {
		return this.username;
	}

	/**
	 * Return the password for the proxy's authentication.
	 * @return the password, or {@code null} for none
	 */
	public @Nullable String password() {
		return this.password;
	}

	/**
	 * Return the selector for a client of its own, such as the JDK's {@code HttpClient}:
	 * every address through the configured proxy, or the JVM's default selector.
	 * @return the selector
	 */
	public ProxySelector selector() {
		InetSocketAddress proxy = this.address;
		if (proxy != null) {
			return ProxySelector.of(resolved(proxy));
		}
		ProxySelector jvm = ProxySelector.getDefault();
		return (jvm != null) ? jvm : ProxySelector.of(null);
	}

	/**
	 * Open routes for clients that only ask the JVM-wide {@link ProxySelector} (Tomcat's
	 * WebSocket client does): the hubs added to the routes go through the configured
	 * proxy, every other address is left to the selector that was the JVM's default
	 * before. Without a configured host nothing is routed.
	 * @return the routes, to close when the client is done
	 */
	public Routes openJvmRoutes() {
		return new Routes(this.address);
	}

	@Override
	public String toString() {
		String target = (this.address != null) ? this.address.getHostString() + ":" + this.address.getPort()
				: "the JVM's proxy settings";
		return "proxy " + target + ((this.username != null) ? " (user " + this.username + ", password ******)" : "");
	}

	private static InetSocketAddress resolved(InetSocketAddress address) {
		return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
	}

	/**
	 * The hub addresses one client routes through its proxy in the JVM-wide selector.
	 */
	public static final class Routes implements AutoCloseable {

		private final @Nullable InetSocketAddress proxy;

		private final Set<String> keys = ConcurrentHashMap.newKeySet();

		private Routes(@Nullable InetSocketAddress proxy) {
			this.proxy = proxy;
		}

		/**
		 * Route the hub's host and port through the proxy, if one is configured.
		 * @param hub the hub's URI ({@code ws}, {@code wss}, {@code http} or
		 * {@code https})
		 */
		public void add(URI hub) {
			InetSocketAddress target = this.proxy;
			if (target != null && this.keys.add(HubRoutes.key(hub))) {
				HubRoutes.install().add(HubRoutes.key(hub), new Proxy(Proxy.Type.HTTP, resolved(target)), this);
			}
		}

		@Override
		public void close() {
			HubRoutes routes = HubRoutes.installed;
			if (routes != null) {
				this.keys.forEach((key) -> routes.remove(key, this));
			}
			this.keys.clear();
		}

	}

	/**
	 * The JVM-wide selector: registered hub addresses through their proxy, the rest as
	 * the previous default selector decides.
	 */
	private static final class HubRoutes extends ProxySelector {

		private static volatile @Nullable HubRoutes installed;

		private final @Nullable ProxySelector previous;

		private final Map<String, List<Route>> routes = new ConcurrentHashMap<>();

		private HubRoutes(@Nullable ProxySelector previous) {
			this.previous = previous;
		}

		static synchronized HubRoutes install() {
			ProxySelector current = ProxySelector.getDefault();
			if (current instanceof HubRoutes routes) {
				return routes;
			}
			HubRoutes routes = new HubRoutes(current);
			ProxySelector.setDefault(routes);
			installed = routes;
			return routes;
		}

		static String key(URI uri) {
			String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
			int port = uri.getPort();
			if (port == -1) {
				port = ("https".equals(scheme) || "wss".equals(scheme)) ? 443 : 80;
			}
			return String.valueOf(uri.getHost()).toLowerCase(Locale.ROOT) + ":" + port;
		}

		void add(String key, Proxy proxy, Routes owner) {
			this.routes.computeIfAbsent(key, (k) -> new CopyOnWriteArrayList<>()).add(new Route(proxy, owner));
		}

		void remove(String key, Routes owner) {
			this.routes.computeIfPresent(key, (k, list) -> {
				list.removeIf((route) -> route.owner() == owner);
				return list.isEmpty() ? null : list;
			});
		}

		@Override
		public List<Proxy> select(URI uri) {
			List<Route> hub = (uri.getHost() != null) ? this.routes.get(key(uri)) : null;
			if (hub != null && !hub.isEmpty()) {
				return List.of(hub.get(0).proxy());
			}
			ProxySelector fallback = this.previous;
			return (fallback != null) ? fallback.select(uri) : new ArrayList<>(List.of(Proxy.NO_PROXY));
		}

		@Override
		public void connectFailed(URI uri, SocketAddress address, IOException failure) {
			ProxySelector fallback = this.previous;
			if (fallback != null) {
				fallback.connectFailed(uri, address, failure);
			}
		}

		private record Route(Proxy proxy, Routes owner) {
		}

	}

}
