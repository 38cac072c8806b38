package dev.realtime.samples.orders;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.realtime.testkit.RealtimeHubInitializer;
import dev.realtime.testkit.RealtimeHubTester;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the embedded hub adds to a test's startup: the sample's context started bare (as a
 * plain {@code @SpringBootTest} starts it, without a web server) against the same context
 * started with the hub, until the hub accepted the first order shipped. Prints the
 * medians of three rounds after a warm-up round of each (the first start of a JVM loads
 * the classes); the figures are reported in docs/testing.md.
 */
class StartupCostIntegrationTests {

	private static final int ROUNDS = 3;

	@Test
	void printsWhatTheEmbeddedHubAddsToStartup() {
		List<Long> bare = new ArrayList<>();
		List<Long> withHub = new ArrayList<>();
		List<Long> firstAck = new ArrayList<>();
		for (int round = 0; round <= ROUNDS; round++) {
			long bareMillis = startBare();
			long[] hubMillis = startWithHubUntilFirstAck("order-" + round);
			if (round > 0) {
				bare.add(bareMillis);
				withHub.add(hubMillis[0]);
				firstAck.add(hubMillis[1]);
			}
		}
		System.out.printf(
				"Startup (medians of %d rounds): bare context %d ms %s; with the embedded hub %d ms %s, "
						+ "the hub adds %d ms; first order shipped accepted by the hub %d ms %s after that%n",
				ROUNDS, median(bare), bare, median(withHub), withHub, median(withHub) - median(bare), median(firstAck),
				firstAck);
	}

	private static long startBare() {
		long start = System.nanoTime();
		try (ConfigurableApplicationContext context = application().run()) {
			assertThat(context.getBean(OrderService.class)).isNotNull();
			return (System.nanoTime() - start) / 1_000_000;
		}
	}

	private static long[] startWithHubUntilFirstAck(String orderId) {
		long start = System.nanoTime();
		try (ConfigurableApplicationContext context = application().initializers(new RealtimeHubInitializer()).run()) {
			long started = System.nanoTime();
			OrderService orders = context.getBean(OrderService.class);
			orders.place(orderId);
			orders.ship(orderId);
			assertThat(RealtimeHubTester.of(context).awaitReceived("orders", 1)).hasSize(1);
			return new long[] { (started - start) / 1_000_000, (System.nanoTime() - started) / 1_000_000 };
		}
	}

	private static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(OrderServiceApplication.class).web(WebApplicationType.NONE)
			.logStartupInfo(false);
	}

	private static long median(List<Long> values) {
		List<Long> sorted = values.stream().sorted().toList();
		return sorted.get(sorted.size() / 2);
	}

}
