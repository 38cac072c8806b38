package dev.realtime.autoconfigure;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link RealtimeConnectionDetails} bean wins over {@code realtime.url} and
 * {@code realtime.auth.token}.
 */
class RealtimeConnectionDetailsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class))
		.withPropertyValues("realtime.user-id=alice", "realtime.auto-connect=false");

	@Test
	void takesTheUrlAndTokenFromTheConnectionDetails() {
		this.runner.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.auth.token=from-properties")
			.withBean(RealtimeConnectionDetails.class, () -> details("ws://hub.test:9000/realtime", "from-details"))
			.run((context) -> {
				assertThat(context.getBean(ClientSettings.class).url())
					.isEqualTo(URI.create("ws://hub.test:9000/realtime"));
				assertThat(context.getBean(TokenProvider.class).getToken()).isEqualTo("from-details");
			});
	}

	@Test
	void needsNoUrlPropertyAndKeepsTheAuthSettingsWhenTheDetailsHaveNoToken() {
		this.runner.withPropertyValues("realtime.auth.token=from-properties")
			.withBean(RealtimeConnectionDetails.class, () -> details("ws://hub.test:9000/realtime", null))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ClientSettings.class).url())
					.isEqualTo(URI.create("ws://hub.test:9000/realtime"));
				assertThat(context.getBean(TokenProvider.class).getToken()).isEqualTo("from-properties");
			});
	}

	@Test
	void usesThePropertiesWithoutConnectionDetails() {
		this.runner.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.auth.token=from-properties")
			.run((context) -> {
				assertThat(context.getBean(ClientSettings.class).url())
					.isEqualTo(URI.create("ws://localhost:1/realtime"));
				assertThat(context.getBean(TokenProvider.class).getToken()).isEqualTo("from-properties");
			});
	}

	private static RealtimeConnectionDetails details(String url, @Nullable String token) {
		return new RealtimeConnectionDetails() {

			@Override
			public URI getUrl() {
				return URI.create(url);
			}

			@Override
			public @Nullable String getToken() {
				return token;
			}

		};
	}

}
