package dev.realtime.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a realtime hub for a {@code @SpringBootTest}: the hub module's engine in an
 * application context and server of its own (in-memory store, random port), started
 * before the application's context, with {@code realtime.url} and
 * {@code realtime.auth.token} (for {@code realtime.user-id}) of the application pointed
 * at it. Adds no bean, filter or endpoint to the application; a {@link RealtimeHubTester}
 * can be {@code @Autowired} into the test and is reset before every test method. The hub
 * lives as long as the cached application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureRealtimeHub {

}
