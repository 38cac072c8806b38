package dev.realtime.hub;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Switching the hub off, and where its auto-configuration applies.
 */
class HubAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HubAutoConfiguration.class));

	@Test
	void definesNoHubBeanWhenDisabled() {
		this.runner.withPropertyValues("realtime.hub.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(Hub.class);
			assertThat(context).doesNotHaveBean(HubTokenVerifier.class);
			assertThat(context).doesNotHaveBean(HubProperties.class);
		});
	}

	@Test
	void refusesToStartWithAJwtSecretShorterThan32Bytes() {
		DriverManagerDataSource dataSource = new DriverManagerDataSource("jdbc:h2:mem:hub-configuration");
		this.runner.withBean(JdbcTemplate.class, () -> new JdbcTemplate(dataSource))
			.withBean(PlatformTransactionManager.class, () -> new DataSourceTransactionManager(dataSource))
			.withPropertyValues("realtime.hub.auth.jwt-secret=too-short-secret")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("realtime.hub.auth.jwt-secret")
					.hasMessageContaining("at least 32 bytes")
					.hasMessageNotContaining("too-short-secret");
			});
	}

	@Test
	void definesNoHubBeanOutsideAServletWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HubAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HubProperties.class));
	}

}
