package dev.realtime.testkit;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Gives the test classes annotated with {@link AutoConfigureRealtimeHub} an embedded hub
 * (registered in {@code META-INF/spring.factories}).
 */
class RealtimeHubContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		return TestContextAnnotationUtils.hasAnnotation(testClass, AutoConfigureRealtimeHub.class)
				? new RealtimeHubContextCustomizer() : null;
	}

}
