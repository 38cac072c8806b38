package dev.realtime.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code realtime.user-id} is set, whatever its value (an invalid one is
 * reported when it is used): the application then has a client of its own. Without it,
 * the application acts only for the users it connects through {@code RealtimeClients}.
 */
class OnUserIdCondition extends SpringBootCondition {

	static final String PROPERTY = "realtime.user-id";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("realtime client of the application's own");
		if (context.getEnvironment().containsProperty(PROPERTY)) {
			return ConditionOutcome.match(message.found("property").items(PROPERTY));
		}
		return ConditionOutcome
			.noMatch(message.didNotFind("property").items(PROPERTY + " (users connect through RealtimeClients)"));
	}

}
