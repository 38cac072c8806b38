package dev.realtime.testkit;

import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Resets the embedded hub's faults and records before every test method of a test class
 * with {@link AutoConfigureRealtimeHub} (registered in
 * {@code META-INF/spring.factories}).
 */
class RealtimeHubTestExecutionListener extends AbstractTestExecutionListener {

	@Override
	public void beforeTestMethod(TestContext testContext) {
		if (testContext.hasApplicationContext()) {
			RealtimeHubTester tester = RealtimeHubContextCustomizer.testerOf(testContext.getApplicationContext());
			if (tester != null) {
				tester.reset();
			}
		}
	}

}
