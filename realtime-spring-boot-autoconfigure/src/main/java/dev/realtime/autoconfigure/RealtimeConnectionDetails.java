package dev.realtime.autoconfigure;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the realtime hub is, the Boot way: a bean of this type (declared by the
 * application, or made by a {@code ConnectionDetailsFactory} for a hub a test runs
 * elsewhere) wins over {@code realtime.url} and {@code realtime.auth.token}.
 */
public interface RealtimeConnectionDetails extends ConnectionDetails {

	/**
	 * Return the hub's WebSocket endpoint, for example
	 * {@code ws://localhost:8080/realtime}.
	 * @return the URL
	 */
	URI getUrl();

	/**
	 * Return the static token of the application's own client.
	 * @return the token, or {@code null} to keep the application's
	 * {@code realtime.auth.*} settings
	 */
	default @Nullable String getToken() {
		return null;
	}

}
