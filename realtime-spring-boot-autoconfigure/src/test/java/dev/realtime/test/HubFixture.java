package dev.realtime.test;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;

import static org.awaitility.Awaitility.await;

/**
 * A {@link TestHub} started for each test, and the client the test uses against it. After
 * the test the client and the hub are closed, in that order. Register it on a test class
 * with {@code @RegisterExtension}.
 */
public final class HubFixture implements BeforeEachCallback, AfterEachCallback {

	private @Nullable TestHub hub;

	private @Nullable DefaultRealtimeClient client;

	private HubFixture() {
	}

	/**
	 * A hub that clients connect to directly.
	 * @return the fixture
	 */
	public static HubFixture direct() {
		return new HubFixture();
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.hub = TestHub.start();
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.client != null) {
			this.client.close();
		}
		if (this.hub != null) {
			this.hub.close();
		}
	}

	/**
	 * Return the running test's hub.
	 * @return the hub
	 */
	public TestHub hub() {
		return started(this.hub, "hub");
	}

	/**
	 * Return the client the running test uses.
	 * @return the client
	 */
	public DefaultRealtimeClient client() {
		return started(this.client, "client");
	}

	/**
	 * Make the client the one the running test uses, closed after the test.
	 * @param client the client, not connected by this method
	 * @return the client
	 */
	public DefaultRealtimeClient use(DefaultRealtimeClient client) {
		this.client = client;
		return client;
	}

	/**
	 * Make the client the one the running test uses, connect it and wait until it is
	 * connected.
	 * @param client the client
	 * @return the connected client
	 */
	public DefaultRealtimeClient connect(DefaultRealtimeClient client) {
		use(client).connect();
		await().until(() -> client.connectionState() == ConnectionState.CONNECTED);
		return client;
	}

	private static <T> T started(@Nullable T value, String what) {
		if (value == null) {
			throw new IllegalStateException("No " + what + " in this test");
		}
		return value;
	}

}
