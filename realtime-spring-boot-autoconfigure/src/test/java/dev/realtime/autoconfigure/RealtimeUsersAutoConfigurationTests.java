package dev.realtime.autoconfigure;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.realtime.auth.UserTokenProvider;
import dev.realtime.client.Placement;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.UserProfile;
import dev.realtime.client.internal.LocalUserAssignments;
import dev.realtime.client.spi.UserAssignments;
import dev.realtime.metrics.RealtimeUsersMeterBinder;
import dev.realtime.presence.PresenceManager;
import dev.realtime.users.RealtimeClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link RealtimeUsersAutoConfiguration}: the registry of users, how it backs off, where
 * users' tokens come from, and its health and meters, without a hub (clients stay
 * connecting to a closed port).
 */
class RealtimeUsersAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeInboxAutoConfiguration.class,
				RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class,
				RealtimePresenceAutoConfiguration.class, RealtimeUsersAutoConfiguration.class))
		.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
				"realtime.auto-connect=false");

	@Test
	void createsRegistryPlacingEveryUserOnThisInstance() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RealtimeClients.class)
				.hasSingleBean(RealtimeClientFactory.class)
				.hasSingleBean(RealtimeUsersHealthIndicator.class);
			assertThat(context.getBean(UserAssignments.class)).isInstanceOf(LocalUserAssignments.class);
			RealtimeClients clients = context.getBean(RealtimeClients.class);
			// the client of realtime.user-id is listed, with its beans' features
			assertThat(clients.users()).containsExactly("alice");
			assertThat(clients.get("alice")).containsSame(context.getBean(RealtimeClient.class));
			assertThat(clients.presence("alice")).isSameAs(context.getBean(PresenceManager.class));
		});
	}

	@Test
	void connectsUsersWithClientsOfTheirOwn() {
		this.runner.run((context) -> {
			RealtimeClients clients = context.getBean(RealtimeClients.class);
			RealtimeClient bob = clients.connectUser(UserProfile.of("bob").withCustomFields(Map.of("name", "Bob")));
			RealtimeClient carol = clients.connectUser(UserProfile.of("carol"));
			assertThat(bob.userId()).isEqualTo("bob");
			assertThat(bob.clientId()).isNotEqualTo(carol.clientId())
				.isNotEqualTo(context.getBean(RealtimeClient.class).clientId());
			assertThat(clients.users()).containsExactly("alice", "bob", "carol");
			assertThat(clients.get("bob")).containsSame(bob);
			assertThat(clients.profile("bob")).get()
				.extracting(UserProfile::customFields)
				.isEqualTo(Map.of("name", "Bob"));
			assertThat(clients.presence("bob")).isNotSameAs(clients.presence("carol"));
			assertThat(clients.typing("bob")).isNotSameAs(clients.typing("carol"));
			// connecting again updates the profile and keeps the client
			assertThat(clients.connectUser(UserProfile.of("bob"))).isSameAs(bob);
			assertThat(clients.profile("bob")).get().extracting(UserProfile::customFields).isEqualTo(Map.of());
			assertThat(clients.disconnectUser("bob", false)).isTrue();
			assertThat(clients.users()).containsExactly("alice", "carol");
			assertThat(clients.get("bob")).isEmpty();
		});
	}

	@Test
	void theApplicationsOwnUserCannotBeConnectedAgain() {
		this.runner.run((context) -> assertThatIllegalArgumentException()
			.isThrownBy(() -> context.getBean(RealtimeClients.class).connectUser(UserProfile.of("alice")))
			.withMessageContaining("'alice' is the application's own client (realtime.user-id)"));
	}

	@Test
	void userNeedsAUserTokenProviderWhenTheApplicationUsesTokens() {
		this.runner.withPropertyValues("realtime.auth.token=alices-token")
			.run((context) -> assertThatIllegalStateException()
				.isThrownBy(() -> context.getBean(RealtimeClients.class).connectUser(UserProfile.of("bob")))
				.withMessageContaining(
						"User 'bob' needs a token of its own and the application has no " + "UserTokenProvider bean"));
	}

	@Test
	void userTokensComeFromTheUserTokenProvider() {
		UserTokenProvider tokens = (userId) -> "token-of-" + userId;
		this.runner.withPropertyValues("realtime.auth.token=alices-token")
			.withBean(UserTokenProvider.class, () -> tokens)
			.run((context) -> assertThat(context.getBean(RealtimeClients.class).connectUser(UserProfile.of("bob")))
				.isNotNull());
	}

	@Test
	void sharedUsersNeedTheDurableOutbox() {
		this.runner.run((context) -> assertThatIllegalStateException()
			.isThrownBy(
					() -> context.getBean(RealtimeClients.class).connectUser(UserProfile.of("bob"), Placement.SHARED))
			.withMessageContaining("cannot be placed SHARED: shared users need the durable outbox"));
	}

	@Test
	void backsOffForTheApplicationsUserAssignments() {
		UserAssignments own = new LocalUserAssignments();
		this.runner.withBean(UserAssignments.class, () -> own)
			.run((context) -> assertThat(context.getBean(UserAssignments.class)).isSameAs(own));
	}

	@Test
	@SuppressWarnings("unchecked")
	void healthCountsUsersByStateAndListsABoundedNumber() {
		this.runner.withPropertyValues("realtime.health.max-listed-users=2").run((context) -> {
			RealtimeClients clients = context.getBean(RealtimeClients.class);
			clients.connectUser(UserProfile.of("bob"));
			clients.connectUser(UserProfile.of("carol"));
			clients.connectUser(UserProfile.of("dave"));
			HealthIndicator health = context.getBean("realtimeUsersHealthIndicator", HealthIndicator.class);
			var result = health.health();
			assertThat(result.getStatus()).isEqualTo(Status.UP);
			assertThat(result.getDetails()).containsEntry("users", 3).containsEntry("truncated", true);
			assertThat((Map<String, Object>) result.getDetails().get("listed")).containsOnlyKeys("bob", "carol");
			assertThat((Map<String, Object>) result.getDetails().get("states")).containsEntry("connected", 0);
		});
	}

	@Test
	void metersOfUsersAreAggregatedAndTaggedForABoundedNumber() {
		this.runner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("realtime.metrics.max-tagged-users=1")
			.run((context) -> {
				RealtimeClients clients = context.getBean(RealtimeClients.class);
				clients.connectUser(UserProfile.of("bob"));
				clients.connectUser(UserProfile.of("carol"));
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(context.getBean(RealtimeUsersMeterBinder.class).taggedUsers()).isEqualTo(1);
				assertThat(registry.find("realtime.messages.sent").tag("user", "bob").functionCounter()).isNotNull();
				assertThat(registry.find("realtime.messages.sent").tag("user", "carol").functionCounter()).isNull();
				double users = registry.find("realtime.users").gauges().stream().mapToDouble((g) -> g.value()).sum();
				assertThat(users).isEqualTo(2);
				clients.disconnectUser("bob", false);
				assertThat(registry.find("realtime.messages.sent").tag("user", "bob").functionCounter()).isNull();
			});
	}

	@Test
	void userTagCanBeSwitchedOff() {
		this.runner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
			.withPropertyValues("realtime.metrics.user-tag=false")
			.run((context) -> {
				context.getBean(RealtimeClients.class).connectUser(UserProfile.of("bob"));
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("realtime.messages.sent").tag("user", "bob").functionCounter()).isNull();
				assertThat(registry.get("realtime.users.messages.sent").counter().count()).isZero();
			});
	}

	@Test
	void endpointListsUsersAndDescribesEach() {
		this.runner.withConfiguration(AutoConfigurations.of(RealtimeEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=realtime")
			.run((context) -> {
				RealtimeClients clients = context.getBean(RealtimeClients.class);
				clients.connectUser(UserProfile.of("carol"));
				clients.connectUser(UserProfile.of("bob"));
				RealtimeEndpoint endpoint = context.getBean(RealtimeEndpoint.class);
				RealtimeEndpoint.RealtimeDescriptor all = endpoint.realtime();
				assertThat(all.userId()).isEqualTo("alice");
				assertThat(all.users()).extracting(RealtimeEndpoint.UserSummary::userId)
					.containsExactly("bob", "carol");
				RealtimeEndpoint.RealtimeDescriptor bob = endpoint.user("bob");
				assertThat(bob).isNotNull();
				assertThat(bob.userId()).isEqualTo("bob");
				assertThat(bob.clientId()).isEqualTo(clients.get("bob").orElseThrow().clientId());
				assertThat(endpoint.user("nobody")).isNull();
			});
	}

	@Test
	void micrometerAndActuatorAreOptional() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class, HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(RealtimeClients.class)
				.doesNotHaveBean(RealtimeUsersMeterBinder.class)
				.doesNotHaveBean(RealtimeUsersHealthIndicator.class));
	}

}
