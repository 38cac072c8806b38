package dev.realtime.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * One measured figure: the median of its windows with their min and max, the unit, and
 * for event throughput the lost and duplicated events counted at the hub.
 *
 * @param median the median over the windows
 * @param min the lowest window
 * @param max the highest window
 * @param unit how the value reads: {@code /s}, {@code ms}, {@code µs}, {@code MiB}
 * @param lost events sent and never accepted by the hub (or rows missing), -1 when not
 * counted
 * @param duplicates events the hub received more than once, -1 when not counted
 * @param note what else the reader needs to know, or {@code null}
 */
record Figure(double median, double min, double max, String unit, long lost, long duplicates, @Nullable String note) {

	static Figure of(double[] windows, String unit) {
		double[] sorted = windows.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		return new Figure(median, sorted[0], sorted[n - 1], unit, -1, -1, null);
	}

	static Figure single(double value, String unit, @Nullable String note) {
		return new Figure(value, value, value, unit, -1, -1, note);
	}

	/**
	 * Wait until the hub has accepted everything sent, then count what was lost and
	 * duplicated. Events still on their way when the wait ends are not called lost: the
	 * note says how many were still pending.
	 * @param figure the measured figure
	 * @param sent events sent
	 * @param accepted events the hub accepted once each
	 * @param duplicates events the hub received more than once
	 * @param wait how long to wait
	 * @return the figure with its counts
	 */
	static Figure settle(Figure figure, long sent, LongSupplier accepted, LongSupplier duplicates, Duration wait) {
		if (Windows.await(() -> accepted.getAsLong() >= sent, wait)) {
			return figure.counted(sent - accepted.getAsLong(), duplicates.getAsLong());
		}
		long pending = sent - accepted.getAsLong();
		return figure.counted(-1, duplicates.getAsLong())
			.note(pending + " of " + sent + " not yet accepted " + wait.toSeconds() + " s after the load stopped");
	}

	Figure counted(long lost, long duplicates) {
		return new Figure(this.median, this.min, this.max, this.unit, lost, duplicates, this.note);
	}

	/**
	 * Add to the figure's note.
	 * @param more what to add, or {@code null} for nothing
	 * @return the figure with the longer note
	 */
	Figure note(@Nullable String more) {
		if (more == null) {
			return this;
		}
		String note = (this.note != null) ? this.note + "; " + more : more;
		return new Figure(this.median, this.min, this.max, this.unit, this.lost, this.duplicates, note);
	}

	String format() {
		StringBuilder text = new StringBuilder(number(this.median)).append(unitSuffix());
		if (this.min != this.max) {
			text.append(" [").append(number(this.min)).append("–").append(number(this.max)).append(']');
		}
		if (this.lost >= 0) {
			text.append(", lost ").append(this.lost);
		}
		if (this.duplicates >= 0) {
			text.append(", dup ").append(this.duplicates);
		}
		if (this.note != null) {
			text.append("; ").append(this.note);
		}
		return text.toString();
	}

	private String unitSuffix() {
		return this.unit.equals("/s") ? "/s" : " " + this.unit;
	}

	static String number(double value) {
		if (Math.abs(value) >= 100) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		if (Math.abs(value) >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

}
