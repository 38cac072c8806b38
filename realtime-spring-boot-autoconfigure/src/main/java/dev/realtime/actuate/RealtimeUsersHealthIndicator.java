package dev.realtime.actuate;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.ObservableClient;

/**
 * Health of the users connected through {@code RealtimeClients}, as one component:
 * {@code UP} unless a user's client failed for good, then the configured degraded status
 * (by default {@code OUT_OF_SERVICE}; one user's rejected token should not take the whole
 * application out of a load balancer). Details: the number of users, the counts by
 * connection state, and at most {@code realtime.health.max-listed-users} users one by one
 * (state, pending events, last error), those not connected first; never a token.
 */
public class RealtimeUsersHealthIndicator implements HealthIndicator {

	private final Supplier<List<ObservableClient>> clients;

	private final HealthThresholds thresholds;

	/**
	 * Create the indicator.
	 * @param clients supplies the users' clients
	 * @param thresholds the degraded status and how many users to list
	 */
	public RealtimeUsersHealthIndicator(Supplier<List<ObservableClient>> clients, HealthThresholds thresholds) {
		this.clients = clients;
		this.thresholds = thresholds;
	}

	@Override
	public Health health() {
		List<ObservableClient> all = this.clients.get();
		Map<ConnectionState, Integer> counts = new EnumMap<>(ConnectionState.class);
		for (ConnectionState state : ConnectionState.values()) {
			counts.put(state, 0);
		}
		all.forEach((client) -> counts.merge(client.connectionState(), 1, Integer::sum));
		Map<String, Integer> states = new LinkedHashMap<>();
		counts.forEach((state, count) -> states.put(state.name().toLowerCase(Locale.ROOT), count));
		int max = Math.max(0, this.thresholds.maxListedUsers());
		Map<String, Object> listed = new LinkedHashMap<>();
		all.stream()
			.sorted(Comparator
				.comparing((ObservableClient client) -> client.connectionState() == ConnectionState.CONNECTED)
				.thenComparing(ObservableClient::userId))
			.limit(max)
			.forEach((client) -> listed.put(client.userId(), describe(client)));
		int failed = counts.getOrDefault(ConnectionState.FAILED, 0);
		Health.Builder health = (failed > 0) ? Health.status(new Status(this.thresholds.degradedStatus()))
			.withDetail("degraded", failed + " user(s) failed for good") : Health.up();
		return health.withDetail("users", all.size())
			.withDetail("states", states)
			.withDetail("listed", listed)
			.withDetail("truncated", all.size() > max)
			.build();
	}

	private static Map<String, Object> describe(ObservableClient client) {
		Map<String, Object> user = new LinkedHashMap<>();
		user.put("state", client.connectionState());
		user.put("pending", client.pendingCount());
		String lastError = client.lastError();
		if (lastError != null) {
			user.put("lastError", lastError);
		}
		return user;
	}

}
