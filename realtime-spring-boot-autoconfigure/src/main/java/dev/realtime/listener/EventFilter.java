package dev.realtime.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Matches event names against the patterns of a {@link RealtimeListener}: exact names and
 * {@code prefix.*} wildcards.
 */
final class EventFilter implements Predicate<String> {

	private final List<String> names = new ArrayList<>();

	private final List<String> prefixes = new ArrayList<>();

	private boolean all;

	/**
	 * Parse patterns.
	 * @param patterns the patterns of a listener; none matches every event
	 * @throws IllegalArgumentException naming the first invalid pattern
	 */
	EventFilter(String[] patterns) {
		this.all = patterns.length == 0;
		for (String pattern : patterns) {
			if (pattern.equals("*")) {
				this.all = true;
			}
			else if (pattern.isBlank() || pattern.indexOf('*') != pattern.lastIndexOf('*')
					|| (pattern.contains("*") && !pattern.endsWith(".*")) || pattern.equals(".*")) {
				throw new IllegalArgumentException("invalid event pattern '" + pattern
						+ "': use an event name, a name prefix followed by '.*', or '*'");
			}
			else if (pattern.endsWith(".*")) {
				this.prefixes.add(pattern.substring(0, pattern.length() - 1));
			}
			else {
				this.names.add(pattern);
			}
		}
	}

	@Override
	public boolean test(String event) {
		if (this.all || this.names.contains(event)) {
			return true;
		}
		for (String prefix : this.prefixes) {
			if (event.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
