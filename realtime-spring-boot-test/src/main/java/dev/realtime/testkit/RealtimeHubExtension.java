package dev.realtime.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension for tests without a Spring context: starts the embedded hub before
 * the test class (in-memory store, random port), resets its faults and records before
 * every test method, injects the {@link RealtimeHubTester} into test and lifecycle method
 * parameters, and stops the hub after the class. Point clients at
 * {@link RealtimeHubTester#url()} with {@link RealtimeHubTester#tokenFor(String)}.
 */
public final class RealtimeHubExtension
		implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {

	private static final Namespace NAMESPACE = Namespace.create(RealtimeHubExtension.class);

	@Override
	public void beforeAll(ExtensionContext context) {
		EmbeddedRealtimeHub hub = EmbeddedRealtimeHub.start();
		context.getStore(NAMESPACE).put(EmbeddedRealtimeHub.class, hub);
		context.getStore(NAMESPACE).put(RealtimeHubTester.class, new RealtimeHubTester(hub));
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		tester(context).reset();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		EmbeddedRealtimeHub hub = context.getStore(NAMESPACE)
			.remove(EmbeddedRealtimeHub.class, EmbeddedRealtimeHub.class);
		if (hub != null) {
			hub.close();
		}
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == RealtimeHubTester.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return tester(extensionContext);
	}

	private static RealtimeHubTester tester(ExtensionContext context) {
		RealtimeHubTester tester = context.getStore(NAMESPACE).get(RealtimeHubTester.class, RealtimeHubTester.class);
		if (tester == null) {
			throw new IllegalStateException(
					"The realtime hub is not started: use @ExtendWith(RealtimeHubExtension.class) "
							+ "on the test class");
		}
		return tester;
	}

}
