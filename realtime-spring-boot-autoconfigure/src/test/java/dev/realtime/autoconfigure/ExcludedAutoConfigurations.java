package dev.realtime.autoconfigure;

/**
 * Auto-configurations that the web application tests of this package leave out: Spring
 * Security and a datasource are on the test classpath, but these tests are about the
 * realtime beans and endpoints, not about securing them or storing data.
 */
final class ExcludedAutoConfigurations {

	/** Spring Security's servlet, actuator and OAuth2 client auto-configurations. */
	static final String SECURITY = "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
			+ "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration,"
			+ "org.springframework.boot.security.oauth2.client.autoconfigure.servlet.OAuth2ClientWebSecurityAutoConfiguration";

	/** The datasource's and {@link #SECURITY}. */
	static final String DATABASE_AND_SECURITY = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
			+ SECURITY;

	private ExcludedAutoConfigurations() {
	}

}
