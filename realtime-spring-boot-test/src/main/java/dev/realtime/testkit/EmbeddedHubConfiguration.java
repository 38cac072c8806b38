package dev.realtime.testkit;

import java.time.Clock;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.hub.HubAutoConfiguration;
import dev.realtime.hub.security.HubTokenVerifier;

/**
 * The embedded hub's application context: the hub module's auto-configuration on Tomcat
 * and nothing else from the classpath (none of the application's auto-configurations, so
 * no DataSource and the in-memory store), plus the kit's tokens, handshake gate and frame
 * tap. The faults, recorder and store are registered from outside, so that they outlive a
 * restart.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({ PropertyPlaceholderAutoConfiguration.class, JacksonAutoConfiguration.class,
		TomcatServletWebServerAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
		HubAutoConfiguration.class })
class EmbeddedHubConfiguration {

	@Bean
	HubTokenVerifier testHubTokens(HubFaults faults) {
		return new TestHubTokens(faults, Clock.systemUTC());
	}

	@Bean
	HandshakeGate testHubHandshakeGate(HubFaults faults) {
		return new HandshakeGate(faults);
	}

}
