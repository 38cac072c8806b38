package dev.realtime.autoconfigure;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import dev.realtime.actuate.RealtimeEndpoint;
import dev.realtime.actuate.RealtimeHealthIndicator;
import dev.realtime.actuate.RealtimeUsersHealthIndicator;
import dev.realtime.auth.UserTokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.Placement;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.UserProfile;
import dev.realtime.client.internal.LocalUserAssignments;
import dev.realtime.client.spi.UserAssignments;
import dev.realtime.metrics.RealtimeClientMeterBinder;
import dev.realtime.metrics.RealtimeUsersMeterBinder;
import dev.realtime.presence.PresenceManager;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.typing.TypingManager;
import dev.realtime.users.RealtimeClientFactory;
import dev.realtime.users.RealtimeClientLifecycle;
import dev.realtime.users.RealtimeClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
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

	/** An application acting only for its users: no realtime.user-id. */
	private final ApplicationContextRunner withoutUserId = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(RealtimeInboxAutoConfiguration.class, RealtimeAuthAutoConfiguration.class,
						RealtimeAutoConfiguration.class, RealtimePresenceAutoConfiguration.class,
						RealtimeUsersAutoConfiguration.class, RealtimeHealthAutoConfiguration.class,
						RealtimeEndpointAutoConfiguration.class, MetricsAutoConfiguration.class,
						CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
		.withPropertyValues("realtime.url=ws://localhost:1/realtime",
				"management.endpoints.web.exposure.include=realtime");

	@Test
	void withoutUserIdTheApplicationHasNoClientOfItsOwnAndConnectsUsers() {
		this.withoutUserId.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(RealtimeClients.class)
				.doesNotHaveBean(ClientSettings.class)
				.doesNotHaveBean(ObservableClient.class)
				.doesNotHaveBean(RealtimeClientLifecycle.class)
				.doesNotHaveBean(PresenceManager.class)
				.doesNotHaveBean(TypingManager.class)
				.doesNotHaveBean(ReadReceiptManager.class)
				.doesNotHaveBean(RealtimeHealthIndicator.class)
				.doesNotHaveBean(RealtimeClientMeterBinder.class)
				.hasSingleBean(RealtimeUsersHealthIndicator.class)
				.hasSingleBean(RealtimeUsersMeterBinder.class);
			RealtimeClients clients = context.getBean(RealtimeClients.class);
			assertThat(clients.users()).isEmpty();
			RealtimeClient bob = clients.connectUser(UserProfile.of("bob"));
			assertThat(bob.userId()).isEqualTo("bob");
			assertThat(clients.users()).containsExactly("bob");
			assertThat(clients.get("bob")).containsSame(bob);
			assertThat(clients.presence("bob")).isNotNull();
			assertThat(clients.receipts("bob")).isNotNull();
			assertThat(clients.get("alice")).isEmpty();
			assertThatExceptionOfType(NoSuchElementException.class).isThrownBy(() -> clients.typing("alice"));
			// a user id the protocol refuses is refused as with realtime.user-id
			assertThatIllegalArgumentException().isThrownBy(() -> clients.connectUser(UserProfile.of("Bob Smith")));
			double users = context.getBean(MeterRegistry.class)
				.find("realtime.users")
				.gauges()
				.stream()
				.mapToDouble((gauge) -> gauge.value())
				.sum();
			assertThat(users).isEqualTo(1);
			// the endpoint lists the users and describes each; only the own client's
			// operations have no one to act for
			RealtimeEndpoint endpoint = context.getBean(RealtimeEndpoint.class);
			RealtimeEndpoint.RealtimeDescriptor all = endpoint.realtime();
			assertThat(all.userId()).isNull();
			assertThat(all.users()).extracting(RealtimeEndpoint.UserSummary::userId).containsExactly("bob");
			assertThat(endpoint.user("bob")).isNotNull()
				.extracting(RealtimeEndpoint.RealtimeDescriptor::clientId)
				.isEqualTo(bob.clientId());
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.retry("outbound", 1))
				.withMessageContaining("no client of its own (realtime.user-id is not set)");
		});
	}

	@Test
	void withoutUserIdTheOtherPropertiesAreStillCheckedAtStartup() {
		this.withoutUserId.withPropertyValues("realtime.url=http://localhost:1/realtime")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("realtime.url")
				.hasMessageContaining("must be a ws:// or wss:// URL"));
	}

	@Test
	void withoutUserIdABeanNeedingTheOwnClientFailsSayingWhatToDo() {
		for (Class<?> needer : List.of(NeedsClient.class, NeedsPresence.class)) {
			FailureAnalysis analysis = analyzeStartupFailure(this.withoutUserId.withBean(needer));
			assertThat(analysis).as(needer.getSimpleName()).isNotNull();
			assertThat(analysis.getDescription()).startsWith("realtime.user-id is not set: the application has "
					+ "no realtime client of its own, and Parameter 0 of constructor in " + needer.getName());
			assertThat(analysis.getAction()).startsWith("Set realtime.user-id to the user the application acts "
					+ "for, or use RealtimeClients: connectUser(UserProfile) connects a user");
		}
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void startupFailureReportTellsToSetUserIdOrUseRealtimeClients(CapturedOutput output) {
		SpringApplication application = new SpringApplication(GatewayNeedingItsOwnClient.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("realtime.url", "ws://localhost:1/realtime"));
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("realtime.user-id is not set: the application has no realtime client of its own")
			.contains("or use RealtimeClients");
	}

	@Test
	void withUserIdOrForOtherBeansTheAnalyzerStaysOut() {
		assertThat(analyzeStartupFailure(this.runner.withBean(NeedsUnknown.class))).isNull();
		assertThat(analyzeStartupFailure(this.withoutUserId.withBean(NeedsUnknown.class))).isNull();
	}

	private static @Nullable FailureAnalysis analyzeStartupFailure(ApplicationContextRunner runner) {
		AtomicReference<Environment> environment = new AtomicReference<>();
		AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
		runner.withInitializer((context) -> environment.set(context.getEnvironment()))
			.run((context) -> failure.set(context.getStartupFailure()));
		assertThat(failure.get()).isNotNull();
		return new OwnClientMissingFailureAnalyzer(environment.get()).analyze(failure.get());
	}

	@Test
	void withoutUserIdAnApplicationsOwnClientSettingsStillMakeItsOwnClient() {
		ClientSettings own = ClientSettings.builder(URI.create("ws://localhost:1/realtime"), "ops").build();
		this.withoutUserId.withBean(ClientSettings.class, () -> own)
			.run((context) -> assertThat(context.getBean(RealtimeClient.class).userId()).isEqualTo("ops"));
	}

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

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ RealtimeInboxAutoConfiguration.class, RealtimeAuthAutoConfiguration.class,
			RealtimeAutoConfiguration.class, RealtimePresenceAutoConfiguration.class,
			RealtimeUsersAutoConfiguration.class })
	@Import(NeedsClient.class)
	static class GatewayNeedingItsOwnClient {

	}

	static class NeedsClient {

		NeedsClient(RealtimeClient client) {
		}

	}

	static class NeedsPresence {

		NeedsPresence(PresenceManager presence) {
		}

	}

	static class NeedsUnknown {

		NeedsUnknown(Runnable unknown) {
		}

	}

}
