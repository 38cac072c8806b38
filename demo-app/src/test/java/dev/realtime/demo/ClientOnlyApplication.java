package dev.realtime.demo;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.realtime.test.TestDatabases;

/**
 * An application that only uses the starter, like a user's service: the realtime client
 * with its outbox and inbox on its own database, no hub and no web server. Not a
 * component, so the demo's component scan never picks it up.
 */
@EnableAutoConfiguration
public class ClientOnlyApplication {

	/**
	 * Start a client application.
	 * @param port the hub's port on localhost
	 * @param userId the user
	 * @param token the user's token at the hub
	 * @param database the client's own database
	 * @param sources further bean classes, for example listeners
	 * @param properties further properties, overriding the defaults above (for example
	 * {@code realtime.url})
	 * @return the running context
	 */
	public static ConfigurableApplicationContext start(int port, String userId, String token,
			TestDatabases.Isolated database, List<Class<?>> sources, String... properties) {
		List<Class<?>> all = new ArrayList<>(List.of(ClientOnlyApplication.class));
		all.addAll(sources);
		List<String> args = new ArrayList<>(List.of("spring.main.web-application-type=none",
				"spring.main.banner-mode=off", "spring.flyway.enabled=false", "spring.jpa.open-in-view=false",
				"realtime.url=ws://localhost:" + port + "/realtime", "realtime.user-id=" + userId,
				// reconnects after the hub's deliberate cuts are shortened so the test
				// takes seconds; the default backoff (1 s, 20 % jitter, up to 30 s) is
				// proven by ThunderingHerdTests and the delivery tests in
				// dev.realtime.demo.delivery, which run at the defaults
				"realtime.reconnect.initial-delay=50ms", "realtime.reconnect.max-delay=500ms"));
		args.addAll(staticToken(token));
		args.addAll(List.of(database.springProperties()));
		for (String property : properties) {
			// a property given twice on the command line would be joined with a comma
			String key = property.substring(0, property.indexOf('=') + 1);
			args.removeIf((arg) -> arg.startsWith(key));
			args.add(property);
		}
		return new SpringApplicationBuilder(all.toArray(Class<?>[]::new)).run(asArguments(args));
	}

	/**
	 * Authenticate with a static token instead of the demo's token endpoint, whose
	 * settings in the demo's {@code application.yml} are blanked (one way to authenticate
	 * only).
	 * @param token the token
	 * @return {@code key=value} strings
	 */
	public static List<String> staticToken(String token) {
		return List.of("realtime.auth.token=" + token, "realtime.auth.token-uri=", "realtime.auth.client-id=",
				"realtime.auth.client-secret=");
	}

	/**
	 * Turn properties into command-line arguments, which win over the demo's
	 * {@code application.yml} on the classpath (builder properties would not).
	 * @param properties {@code key=value} strings
	 * @return {@code --key=value} arguments
	 */
	public static String[] asArguments(List<String> properties) {
		return properties.stream().map((property) -> "--" + property).toArray(String[]::new);
	}

}
