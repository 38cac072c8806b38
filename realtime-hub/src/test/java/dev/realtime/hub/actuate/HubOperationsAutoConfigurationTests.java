package dev.realtime.hub.actuate;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.realtime.hub.HubAutoConfiguration;
import dev.realtime.hub.HubMetrics;
import dev.realtime.hub.HubNode;
import dev.realtime.hub.HubSchemaAutoConfiguration;
import dev.realtime.hub.schema.HubSchemaMigrator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which operations beans the hub gets, by what the application has: its health indicator
 * with Boot's health support, its meters with a {@link MeterRegistry}, nothing of either
 * otherwise; and the health it reports on a real (embedded) database.
 */
class HubOperationsAutoConfigurationTests {

	/**
	 * The hub in a servlet web server (on a random port) with a WebSocket container, as
	 * an application runs it.
	 */
	private final WebApplicationContextRunner runner = new WebApplicationContextRunner(
			AnnotationConfigServletWebServerApplicationContext::new)
		.withConfiguration(AutoConfigurations.of(TomcatServletWebServerAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
				JdbcTemplateAutoConfiguration.class, HubSchemaAutoConfiguration.class, HubAutoConfiguration.class,
				HubHealthAutoConfiguration.class, HubMetricsAutoConfiguration.class))
		.withPropertyValues("server.port=0",
				"spring.datasource.url=jdbc:h2:mem:hub-operations-${random.uuid};DB_CLOSE_DELAY=-1");

	private final WebApplicationContextRunner withMetrics = this.runner
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class));

	@Test
	void migratesTheHubsTablesAndReportsAHealthyNode() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(HubSchemaMigrator.class);
			Health health = context.getBean("realtimeHubHealthIndicator", HubHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("database", "reachable")
				.containsEntry("sessions", 0)
				.containsEntry("users", 0)
				.containsEntry("accepting", true);
		});
	}

	@Test
	void reportsOutOfServiceOnceTheNodeStopsAccepting() {
		this.runner.run((context) -> {
			context.getBean(HubNode.class).stop();
			Health health = context.getBean(HubHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(health.getDetails()).containsEntry("accepting", false);
		});
	}

	@Test
	void reportsDownWhenTheDatabaseDoesNotAnswer() {
		this.runner.run((context) -> {
			// nothing listens on port 1: a real refused connection, no mock
			JdbcTemplate unreachable = new JdbcTemplate(
					new DriverManagerDataSource("jdbc:postgresql://127.0.0.1:1/hub", "hub", "secret-password"));
			Health health = new HubHealthIndicator(context.getBean(HubNode.class), unreachable).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(String.valueOf(health.getDetails().get("database"))).startsWith("unreachable: ")
				.doesNotContain("secret-password");
		});
	}

	@Test
	void healthIndicatorCanBeSwitchedOff() {
		this.runner.withPropertyValues("management.health.realtime-hub.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HubHealthIndicator.class));
	}

	@Test
	void definesNoHealthIndicatorWithoutBootsHealthSupport() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(HubNode.class)
				.doesNotHaveBean(HubHealthIndicator.class));
	}

	@Test
	void definesNoMetersWithoutAMeterRegistry() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(HubMetrics.class)
			.doesNotHaveBean(HubNodeMeterBinder.class));
	}

	@Test
	void registersTheHubsMetersWithTheApplicationsRegistry() {
		this.withMetrics.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(MicrometerHubMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("realtime.hub.connections").gauge().value()).isZero();
			assertThat(registry.get("realtime.hub.users").gauge().value()).isZero();
			for (String counter : new String[] { "realtime.hub.events.accepted", "realtime.hub.events.delivered",
					"realtime.hub.resume.pages", "realtime.hub.rate.limited", "realtime.hub.auth.refused" }) {
				assertThat(registry.get(counter).counter().count()).as(counter).isZero();
			}
		});
	}

	@Test
	void anApplicationsOwnHubMetricsReplaceTheMicrometerOnes() {
		HubMetrics own = new HubMetrics() {
		};
		this.withMetrics.withBean(HubMetrics.class, () -> own).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerHubMetrics.class);
			assertThat(context).getBean(HubMetrics.class).isSameAs(own);
			// the node's gauges do not depend on who counts
			assertThat(context.getBean(MeterRegistry.class).find("realtime.hub.connections").gauge()).isNotNull();
		});
	}

}
