package dev.realtime.autoconfigure;

import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.analyzer.AbstractInjectionFailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import dev.realtime.client.ClientSettings;
import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.presence.PresenceManager;
import dev.realtime.privacy.PrivacyAnnouncer;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.typing.TypingManager;

/**
 * Explains a startup that failed because a bean needs the application's own client, or
 * what is built on it, while {@code realtime.user-id} is not set: such an application
 * acts only for the users it connects through {@code RealtimeClients}. Runs before Spring
 * Boot's generic analysis of a missing bean.
 */
class OwnClientMissingFailureAnalyzer extends AbstractInjectionFailureAnalyzer<NoSuchBeanDefinitionException>
		implements Ordered {

	/** What exists only for the client of {@code realtime.user-id}. */
	private static final Set<Class<?>> OWN_CLIENT_TYPES = Set.of(RealtimeClient.class, ObservableClient.class,
			MetaSignalClient.class, DefaultRealtimeClient.class, ClientSettings.class, PresenceManager.class,
			TypingManager.class, ReadReceiptManager.class, PrivacyAnnouncer.class);

	private final Environment environment;

	OwnClientMissingFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause,
			@Nullable String description) {
		Class<?> type = cause.getBeanType();
		if (type == null || !OWN_CLIENT_TYPES.contains(type)
				|| this.environment.containsProperty(OnUserIdCondition.PROPERTY)
				|| "false".equalsIgnoreCase(this.environment.getProperty("realtime.enabled"))) {
			return null;
		}
		String needer = (description != null) ? description : "A bean";
		return new FailureAnalysis(
				OnUserIdCondition.PROPERTY + " is not set: the application has no realtime " + "client of its own, and "
						+ needer + " needs one (a bean of type " + type.getName() + ").",
				"Set " + OnUserIdCondition.PROPERTY + " to the user the application acts for, or use RealtimeClients: "
						+ "connectUser(UserProfile) connects a user and returns its client, get(userId) finds it, "
						+ "and presence(userId), typing(userId) and receipts(userId) give the user's presence, "
						+ "typing indicators and read receipts.",
				cause);
	}

	@Override
	public int getOrder() {
		// before Spring Boot's NoSuchBeanDefinitionFailureAnalyzer, which would say less
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
