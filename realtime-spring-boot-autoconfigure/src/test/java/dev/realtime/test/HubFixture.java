package dev.realtime.test;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;

import static org.awaitility.Awaitility.await;

/**
 * A {@link TestHub} started for each test, optionally behind a {@link FaultProxy}, and
 * the client the test uses against it. After the test the client, the proxy and the hub
 * are closed, in that order. Register it on a test class with {@code @RegisterExtension}.
 */
public final class HubFixture implements BeforeEachCallback, AfterEachCallback {

	private final boolean behindFaultProxy;

	private @Nullable TestHub hub;

	private @Nullable FaultProxy proxy;

	private @Nullable DefaultRealtimeClient client;

	private HubFixture(boolean behindFaultProxy) {
		this.behindFaultProxy = behindFaultProxy;
	}

	/**
	 * A hub that clients connect to directly.
	 * @return the fixture
	 */
	public static HubFixture direct() {
		return new HubFixture(false);
	}

	/**
	 * A hub with a {@link FaultProxy} in front of it, for tests that route clients
	 * through the proxy.
	 * @return the fixture
	 */
	public static HubFixture behindFaultProxy() {
		return new HubFixture(true);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		TestHub hub = TestHub.start();
		this.hub = hub;
		if (this.behindFaultProxy) {
			this.proxy = FaultProxy.inFrontOf(hub.uri().toString());
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.client != null) {
			this.client.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
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
	 * Return the proxy in front of the running test's hub.
	 * @return the proxy
	 */
	public FaultProxy proxy() {
		return started(this.proxy, "proxy");
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
