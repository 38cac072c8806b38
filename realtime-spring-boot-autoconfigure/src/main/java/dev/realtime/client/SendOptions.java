package dev.realtime.client;

import org.jspecify.annotations.Nullable;

/**
 * Per-call options of {@link RealtimeClient#sendEvent(String, Object, SendOptions)}.
 *
 * @param deliveryStrategy the strategy for this event, or {@code null} for the client's
 * default
 * @param idempotencyKey the idempotency key to use, or {@code null} to generate a random
 * one; pass a key derived from your own data (an order id and version, say) to make the
 * send itself idempotent
 */
public record SendOptions(@Nullable DeliveryStrategy deliveryStrategy, @Nullable String idempotencyKey) {

	private static final SendOptions DEFAULTS = new SendOptions(null, null);

	/**
	 * Options that use the client's defaults.
	 * @return the default options
	 */
	public static SendOptions defaults() {
		return DEFAULTS;
	}

	/**
	 * Options with the given delivery strategy.
	 * @param strategy the strategy
	 * @return the options
	 */
	public static SendOptions with(DeliveryStrategy strategy) {
		return new SendOptions(strategy, null);
	}

	/**
	 * Return a copy with the given idempotency key.
	 * @param key the key
	 * @return the options
	 */
	public SendOptions idempotencyKey(String key) {
		return new SendOptions(this.deliveryStrategy, key);
	}

}
