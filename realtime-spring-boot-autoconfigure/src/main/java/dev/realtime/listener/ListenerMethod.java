package dev.realtime.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.Function;

import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.Subscription;

/**
 * One {@link RealtimeListener} method bound to its bean: filters events by name, converts
 * the event to the method's parameter and invokes it, rethrowing what the method threw.
 */
final class ListenerMethod {

	private final Object bean;

	private final Method method;

	private final EventFilter filter;

	private final Function<InboundMessage, Object> argument;

	private final boolean takesClient;

	private ListenerMethod(Object bean, Method method, EventFilter filter, Function<InboundMessage, Object> argument,
			boolean takesClient) {
		this.bean = bean;
		this.method = method;
		this.filter = filter;
		this.argument = argument;
		this.takesClient = takesClient;
	}

	/**
	 * Check a listener method's signature and patterns and bind it.
	 * @param bean the bean that declares the method
	 * @param method the annotated method
	 * @param annotation the method's annotation
	 * @param mapper converts a payload to the method's parameter type
	 * @return the bound listener
	 * @throws IllegalArgumentException saying what is wrong with the method
	 */
	static ListenerMethod bind(Object bean, Method method, RealtimeListener annotation, ObjectMapper mapper) {
		int count = method.getParameterCount();
		if (count != 1 && count != 2) {
			throw new IllegalArgumentException("must take one parameter (the payload, or InboundMessage for the whole "
					+ "event), optionally followed by the receiving user's RealtimeClient, but takes " + count);
		}
		if (count == 2 && method.getParameterTypes()[1] != RealtimeClient.class) {
			throw new IllegalArgumentException("must take the receiving user's RealtimeClient as its second parameter, "
					+ "not " + method.getParameterTypes()[1].getName());
		}
		if (method.getReturnType() != void.class) {
			throw new IllegalArgumentException("must return void: nothing receives its result");
		}
		EventFilter filter = new EventFilter(annotation.events());
		ReflectionUtils.makeAccessible(method);
		return new ListenerMethod(bean, method, filter, argument(method, mapper), count == 2);
	}

	private static Function<InboundMessage, Object> argument(Method method, ObjectMapper mapper) {
		Class<?> type = method.getParameterTypes()[0];
		if (type == InboundMessage.class) {
			return (message) -> message;
		}
		if (type == String.class) {
			return (message) -> message.payload().isString() ? message.payload().stringValue()
					: mapper.writeValueAsString(message.payload());
		}
		JavaType javaType = mapper.constructType(method.getGenericParameterTypes()[0]);
		return (message) -> mapper.treeToValue(message.payload(), javaType);
	}

	/**
	 * Subscribe this method to a client's inbound events.
	 * @param client the client
	 * @return the subscription
	 */
	Subscription subscribe(RealtimeClient client) {
		return client.onMessage((message) -> accept(message, client));
	}

	private void accept(InboundMessage message, RealtimeClient client) {
		if (!this.filter.test(message.event())) {
			return;
		}
		try {
			Object argument = this.argument.apply(message);
			if (this.takesClient) {
				this.method.invoke(this.bean, argument, client);
			}
			else {
				this.method.invoke(this.bean, argument);
			}
		}
		catch (InvocationTargetException ex) {
			ReflectionUtils.rethrowRuntimeException(ex.getTargetException());
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException("Cannot call @RealtimeListener method " + this.method, ex);
		}
	}

	@Override
	public String toString() {
		return "@RealtimeListener " + this.method;
	}

}
