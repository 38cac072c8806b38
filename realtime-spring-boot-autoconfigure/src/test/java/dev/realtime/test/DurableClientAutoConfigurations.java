package dev.realtime.test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;

import dev.realtime.autoconfigure.RealtimeAuthAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeInboxAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeOutboxAutoConfiguration;
import dev.realtime.autoconfigure.RealtimePresenceAutoConfiguration;

/**
 * The auto-configurations of an application whose client keeps its outbox, inbox and read
 * receipts in its database (a JPA application, as most are), for the
 * {@code ApplicationContextRunner}s of tests that run such a client against a hub.
 */
public final class DurableClientAutoConfigurations {

	private DurableClientAutoConfigurations() {
	}

	/**
	 * Return the auto-configurations of a client on the application's database.
	 * @return the auto-configurations
	 */
	public static AutoConfigurations onTheDatabase() {
		return AutoConfigurations.of(DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
				TransactionAutoConfiguration.class, RealtimeOutboxAutoConfiguration.class,
				RealtimeInboxAutoConfiguration.class, RealtimeAuthAutoConfiguration.class,
				RealtimeAutoConfiguration.class, RealtimePresenceAutoConfiguration.class);
	}

}
