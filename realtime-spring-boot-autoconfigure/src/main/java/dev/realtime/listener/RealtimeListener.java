package dev.realtime.listener;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method as a listener of inbound realtime events, called once per matching
 * event in the user's stream order, on the client's dispatch thread.
 * <p>
 * The method returns {@code void} and takes one parameter, converted from the event:
 * <ul>
 * <li>{@link dev.realtime.client.InboundMessage}: the whole envelope (seq, event name,
 * payload, server timestamp, origin);</li>
 * <li>{@link String}: the payload as JSON text (a JSON string payload is passed
 * unquoted);</li>
 * <li>any other type, for example {@link tools.jackson.databind.JsonNode} or a record:
 * the payload converted by the client's JSON mapper.</li>
 * </ul>
 * A method that throws (a payload that cannot be converted included) makes the event be
 * retried, and parked as failed after {@code realtime.inbox.max-attempts}; the events
 * behind it still flow. With {@code realtime.inbox.transactional}, the method runs in the
 * transaction that removes the event from the inbox.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RealtimeListener {

	/**
	 * Alias for {@link #events()}.
	 * @return the event patterns
	 */
	@AliasFor("events")
	String[] value() default {};

	/**
	 * Names of the events to receive; a pattern ending in {@code .*} matches every event
	 * under that prefix (for example {@code chat.*}), and {@code *} or no pattern at all
	 * matches every event.
	 * @return the event patterns
	 */
	@AliasFor("value")
	String[] events() default {};

}
