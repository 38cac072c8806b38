package dev.realtime.testkit.testcontainers;

import java.net.URI;
import java.util.List;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;
import org.testcontainers.containers.Container;

import dev.realtime.autoconfigure.RealtimeConnectionDetails;

/**
 * {@link ContainerConnectionDetailsFactory} for a realtime hub in a container, for
 * {@code @ServiceConnection}: a container of the {@code realtime-hub-server} image (or
 * one named {@code realtime-hub}, or any container with
 * {@code @ServiceConnection("realtime-hub")}) becomes a {@link RealtimeConnectionDetails}
 * at {@code ws://<host>:<mapped port of 8080>/realtime}. The token stays the
 * application's ({@code realtime.auth.*}): the hub's accepted tokens are its own
 * configuration.
 */
class RealtimeHubContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<Container<?>, RealtimeConnectionDetails> {

	/** The port the runnable hub listens on in its container ({@code server.port}). */
	static final int HUB_PORT = 8080;

	/** The path of the hub's WebSocket endpoint ({@code realtime.hub.path}). */
	static final String HUB_PATH = "/realtime";

	RealtimeHubContainerConnectionDetailsFactory() {
		super(List.of("realtime-hub-server", "realtime-hub"));
	}

	@Override
	protected RealtimeConnectionDetails getContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
		return new RealtimeHubContainerConnectionDetails(source);
	}

	/**
	 * {@link RealtimeConnectionDetails} backed by a {@link ContainerConnectionSource}:
	 * the URL is read from the started container.
	 */
	static final class RealtimeHubContainerConnectionDetails extends ContainerConnectionDetails<Container<?>>
			implements RealtimeConnectionDetails {

		RealtimeHubContainerConnectionDetails(ContainerConnectionSource<Container<?>> source) {
			super(source);
		}

		@Override
		public URI getUrl() {
			Container<?> container = getContainer();
			return URI.create("ws://" + container.getHost() + ":" + container.getMappedPort(HUB_PORT) + HUB_PATH);
		}

	}

}
