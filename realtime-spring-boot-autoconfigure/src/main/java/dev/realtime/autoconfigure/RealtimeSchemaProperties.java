package dev.realtime.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the library's database schema.
 */
@ConfigurationProperties("realtime.schema")
public class RealtimeSchemaProperties {

	/**
	 * Whether to apply the library's Flyway migrations (classpath:db/realtime/migration,
	 * history table realtime_schema_history) at startup. Disable it when the scripts are
	 * copied into the application's own migrations.
	 */
	private boolean enabled = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
