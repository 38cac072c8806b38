package dev.realtime.listener;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.Consumer;
import java.util.function.Function;

import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.InboundMessage;

/**
 * One {@link RealtimeListener} method bound to its bean: filters events by name, converts
 * the event to the method's parameter and invokes it, rethrowing what the method threw.
 */
final class ListenerMethod implements Consumer<InboundMessage> {

	private final Object bean;

	private final Method method;

	private final EventFilter filter;

	private final Function<InboundMessage, Object> argument;

	private ListenerMethod(Object bean, Method method, EventFilter filter, Function<InboundMessage, Object> argument) {
		this.bean = bean;
		this.method = method;
		this.filter = filter;
		this.argument = argument;
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
		if (method.getParameterCount() != 1) {
			throw new IllegalArgumentException("must take exactly one parameter (the payload, or InboundMessage for "
					+ "the whole event) but takes " + method.getParameterCount());
		}
		if (method.getReturnType() != void.class) {
			throw new IllegalArgumentException("must return void: nothing receives its result");
		}
		EventFilter filter = new EventFilter(annotation.events());
		ReflectionUtils.makeAccessible(method);
		return new ListenerMethod(bean, method, filter, argument(method, mapper));
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

	@Override
	public void accept(InboundMessage message) {
		if (!this.filter.test(message.event())) {
			return;
		}
		try {
			this.method.invoke(this.bean, this.argument.apply(message));
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
