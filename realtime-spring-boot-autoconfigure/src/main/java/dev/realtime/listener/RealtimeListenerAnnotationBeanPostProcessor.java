package dev.realtime.listener;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.client.RealtimeClient;
import dev.realtime.client.Subscription;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.users.RealtimeClients;

/**
 * Finds {@link RealtimeListener} methods on beans, checks their signatures as each bean
 * is initialized (a bad one fails the startup, naming the method) and, once all
 * singletons exist, registers them on every {@link RealtimeClient} bean: before the
 * clients connect, so no event is missed. Clients created at runtime (one per user, by
 * {@code RealtimeClients}) get them through {@link #attach(RealtimeClient)}. Payloads are
 * converted with the clients' {@link FrameCodec#mapper() mapper}.
 */
public class RealtimeListenerAnnotationBeanPostProcessor
		implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

	private static final Log logger = LogFactory.getLog(RealtimeListenerAnnotationBeanPostProcessor.class);

	private final Set<Class<?>> nonAnnotatedClasses = ConcurrentHashMap.newKeySet();

	private final List<ListenerMethod> pending = new ArrayList<>();

	/** Every listener method found, for clients attached later. Guarded by this. */
	private final List<ListenerMethod> all = new ArrayList<>();

	/** Clients attached at runtime. Guarded by this. */
	private final List<RealtimeClient> attached = new ArrayList<>();

	private @Nullable ListableBeanFactory beanFactory;

	/**
	 * The clients once all singletons exist; listeners of later (lazy) beans register at
	 * once.
	 */
	private @Nullable List<RealtimeClient> clients;

	private @Nullable ObjectMapper mapper;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		if (!(beanFactory instanceof ListableBeanFactory listable)) {
			throw new IllegalArgumentException("@RealtimeListener support needs a ListableBeanFactory");
		}
		this.beanFactory = listable;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> targetClass = AopUtils.getTargetClass(bean);
		if (this.nonAnnotatedClasses.contains(targetClass)
				|| !AnnotationUtils.isCandidateClass(targetClass, RealtimeListener.class)) {
			return bean;
		}
		Map<Method, RealtimeListener> methods = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<RealtimeListener>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, RealtimeListener.class));
		if (methods.isEmpty()) {
			this.nonAnnotatedClasses.add(targetClass);
			return bean;
		}
		methods.forEach((method, annotation) -> {
			Method invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
			ListenerMethod listener;
			try {
				listener = ListenerMethod.bind(bean, invocable, annotation, mapper());
			}
			catch (IllegalArgumentException ex) {
				throw new BeanInitializationException("@RealtimeListener method '" + targetClass.getName() + "."
						+ method.getName() + "' of bean '" + beanName + "' " + ex.getMessage(), ex);
			}
			register(listener);
		});
		return bean;
	}

	@Override
	public synchronized void afterSingletonsInstantiated() {
		this.clients = beanFactory().getBeanProvider(RealtimeClient.class).orderedStream().toList();
		// an application without a client of its own runs them on each user's client
		if (this.clients.isEmpty() && !this.pending.isEmpty()
				&& beanFactory().getBeanNamesForType(RealtimeClients.class).length == 0) {
			logger.warn(this.pending.size() + " @RealtimeListener method(s) found but no RealtimeClient bean "
					+ "and no RealtimeClients bean");
		}
		this.pending.forEach(this::subscribe);
		this.pending.clear();
	}

	private synchronized void register(ListenerMethod listener) {
		this.all.add(listener);
		this.attached.forEach(listener::subscribe);
		if (this.clients == null) {
			this.pending.add(listener);
		}
		else {
			subscribe(listener);
		}
	}

	private void subscribe(ListenerMethod listener) {
		if (this.clients != null) {
			this.clients.forEach(listener::subscribe);
		}
		logger.debug("Registered " + listener);
	}

	/**
	 * Register every {@link RealtimeListener} method, found so far and later, on a client
	 * that is not a bean, before it connects.
	 * @param client the client
	 * @return a subscription that removes the methods from the client when closed
	 */
	public synchronized Subscription attach(RealtimeClient client) {
		this.attached.add(client);
		List<Subscription> subscriptions = new ArrayList<>(this.all.size());
		this.all.forEach((listener) -> subscriptions.add(listener.subscribe(client)));
		return () -> {
			synchronized (this) {
				this.attached.remove(client);
			}
			subscriptions.forEach(Subscription::close);
		};
	}

	/**
	 * The mapper the client decodes frames with, so listeners see the same conversion
	 * rules.
	 * @return the mapper, looked up once
	 */
	private synchronized ObjectMapper mapper() {
		if (this.mapper == null) {
			FrameCodec codec = beanFactory().getBeanProvider(FrameCodec.class).getIfAvailable();
			this.mapper = (codec != null) ? codec.mapper() : JsonMapper.builder().build();
		}
		return this.mapper;
	}

	private ListableBeanFactory beanFactory() {
		if (this.beanFactory == null) {
			throw new IllegalStateException("BeanFactory not set");
		}
		return this.beanFactory;
	}

}
