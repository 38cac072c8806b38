package dev.realtime.hub;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

/**
 * Auto-configuration of several hub nodes over Redis ({@code realtime.hub.bus=redis}):
 * the {@link RedisHubBus} on Boot's {@link RedisConnectionFactory}
 * ({@code spring.data.redis.*}), its pub/sub listener and the periodic
 * {@link HubBusKeeper}. Without it the hub runs as one node ({@link LocalHubBus}).
 */
@AutoConfiguration(before = HubAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "realtime.hub.enabled", matchIfMissing = true)
@ConditionalOnClass(StringRedisTemplate.class)
@ConditionalOnProperty(name = "realtime.hub.bus", havingValue = "redis")
@EnableConfigurationProperties(HubBusProperties.class)
public final class HubRedisBusAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(HubBus.class)
	RedisHubBus hubBus(RedisConnectionFactory connectionFactory, HubBusProperties properties) {
		return new RedisHubBus(new StringRedisTemplate(connectionFactory), HubBus.nodeId(properties),
				properties.getRedis());
	}

	@Bean
	@ConditionalOnMissingBean(name = "hubRedisListenerContainer")
	RedisMessageListenerContainer hubRedisListenerContainer(RedisConnectionFactory connectionFactory, RedisHubBus bus) {
		RedisMessageListenerContainer container = new RedisMessageListenerContainer();
		container.setConnectionFactory(connectionFactory);
		// one thread, in the order published: a session fills gaps itself, but
		// in-order arrival spares it the read
		container.setTaskExecutor(bus::dispatch);
		container.addMessageListener(bus, new ChannelTopic(bus.channel()));
		// started by the hub's bus keeper, which retries while Redis is unreachable
		container.setAutoStartup(false);
		return container;
	}

	@Bean
	HubBusKeeper hubBusKeeper(DefaultHub hub, RedisHubBus bus,
			@Qualifier("hubRedisListenerContainer") RedisMessageListenerContainer hubRedisListenerContainer,
			HubBusProperties properties) {
		return new HubBusKeeper(hub, bus, hubRedisListenerContainer, properties.getRedis().getCatchUpInterval());
	}

}
