package dev.realtime.autoconfigure;

import java.util.List;
import java.util.function.Supplier;

import org.springframework.beans.factory.ObjectProvider;

import dev.realtime.client.ObservableClient;
import dev.realtime.users.DefaultRealtimeClients;

/**
 * The clients of the users connected through {@code RealtimeClients}, as the health
 * indicator, the endpoint and the meters read them.
 */
final class UserClients {

	private UserClients() {
	}

	/**
	 * Return the users' clients, looked up at each read: none when the application has no
	 * {@code RealtimeClients} (or several).
	 * @param registry the registry, if any
	 * @return the clients at each read
	 */
	static Supplier<List<ObservableClient>> of(ObjectProvider<DefaultRealtimeClients> registry) {
		return () -> {
			DefaultRealtimeClients clients = registry.getIfUnique();
			return (clients != null) ? clients.clients() : List.of();
		};
	}

}
