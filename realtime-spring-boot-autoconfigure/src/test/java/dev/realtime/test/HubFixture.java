package dev.realtime.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;

import static org.awaitility.Awaitility.await;

/**
 * The one way tests get a {@link TestHub}: a JUnit extension that starts the hub,
 * optionally behind a {@link FaultProxy}, and closes the client the test uses, the proxy
 * and every hub it started, in that order. Register it with {@code @RegisterExtension}:
 * on an instance field each test gets a fresh hub; on a static field the test class and
 * its nested classes share one (for example a Spring test context that reads the hub's
 * URI). Tests that need a hub made for them (a certificate, a property) start it with
 * {@link #start}.
 */
public final class HubFixture implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

	private final boolean startsHub;

	private final boolean behindFaultProxy;

	private final String[] hubProperties;

	private final List<TestHub> startedHubs = new CopyOnWriteArrayList<>();

	private boolean sharedByClass;

	/** How many class-level containers (a class and its nested ones) are running. */
	private int classLevels;

	private @Nullable TestHub hub;

	private @Nullable FaultProxy proxy;

	private @Nullable DefaultRealtimeClient client;

	private HubFixture(boolean startsHub, boolean behindFaultProxy, String... hubProperties) {
		this.startsHub = startsHub;
		this.behindFaultProxy = behindFaultProxy;
		this.hubProperties = hubProperties;
	}

	/**
	 * A hub that clients connect to directly.
	 * @param hubProperties extra properties of the hub's server as {@code key=value}
	 * strings
	 * @return the fixture
	 */
	public static HubFixture direct(String... hubProperties) {
		return new HubFixture(true, false, hubProperties);
	}

	/**
	 * A hub with a {@link FaultProxy} in front of it, for tests that route clients
	 * through the proxy.
	 * @return the fixture
	 */
	public static HubFixture behindFaultProxy() {
		return new HubFixture(true, true);
	}

	/**
	 * No hub until the test starts one with {@link #start}, for tests whose hub depends
	 * on the test (its certificate, its properties).
	 * @return the fixture
	 */
	public static HubFixture onDemand() {
		return new HubFixture(false, false);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		// @Nested classes inherit a static registration: one hub for the outermost class
		if (this.classLevels++ == 0) {
			this.sharedByClass = true;
			startHub();
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		if (!this.sharedByClass) {
			startHub();
		}
	}

	@Override
	public void afterEach(ExtensionContext context) {
		if (this.client != null) {
			this.client.close();
			this.client = null;
		}
		if (!this.sharedByClass) {
			closeProxyAndHubs();
		}
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (--this.classLevels == 0) {
			closeProxyAndHubs();
		}
	}

	private void startHub() {
		if (!this.startsHub) {
			return;
		}
		TestHub hub = start(this.hubProperties);
		this.hub = hub;
		if (this.behindFaultProxy) {
			this.proxy = FaultProxy.inFrontOf(hub.uri().toString());
		}
	}

	private void closeProxyAndHubs() {
		if (this.proxy != null) {
			this.proxy.close();
			this.proxy = null;
		}
		for (TestHub started : this.startedHubs) {
			started.close();
		}
		this.startedHubs.clear();
		this.hub = null;
	}

	/**
	 * Start another hub on a random port, closed with the fixture's own.
	 * @param properties extra properties of the hub's server as {@code key=value}
	 * strings, for example {@code server.ssl.*} to serve {@code wss://}
	 * @return the running hub
	 */
	public TestHub start(String... properties) {
		TestHub started = TestHub.start(properties);
		this.startedHubs.add(started);
		return started;
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
