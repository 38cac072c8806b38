package dev.realtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The live heap by class, as the JVM's {@code GC.class_histogram} diagnostic command
 * counts it right after a full collection: two of them, taken before and after something
 * is opened, tell what it holds and which classes dominate.
 */
final class HeapCensus {

	private final Map<String, Long> bytesByClass;

	private final long total;

	private HeapCensus(Map<String, Long> bytesByClass, long total) {
		this.bytesByClass = bytesByClass;
		this.total = total;
	}

	/**
	 * Collect the garbage and count what is live.
	 * @return the census
	 */
	static HeapCensus take() {
		String histogram;
		try {
			histogram = (String) ManagementFactory.getPlatformMBeanServer()
				.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
						new Object[] { new String[0] }, new String[] { String[].class.getName() });
		}
		catch (JMException ex) {
			throw new IllegalStateException("No class histogram from this JVM", ex);
		}
		Map<String, Long> bytes = new HashMap<>();
		long total = 0;
		for (String line : histogram.split("\n")) {
			String[] columns = line.trim().split("\\s+");
			if (columns.length >= 4 && columns[0].endsWith(":")) {
				bytes.merge(columns[3], Long.parseLong(columns[2]), Long::sum);
			}
			else if (columns.length >= 3 && columns[0].equals("Total")) {
				total = Long.parseLong(columns[2]);
			}
		}
		return new HeapCensus(bytes, total);
	}

	/**
	 * Live bytes more than in an earlier census, per unit.
	 * @param before the earlier census
	 * @param units what the difference is divided by
	 * @return bytes per unit
	 */
	double growthPer(HeapCensus before, int units) {
		return (this.total - before.total) / (double) units;
	}

	/**
	 * The classes whose live bytes grew most since an earlier census, per unit.
	 * @param before the earlier census
	 * @param units what the growth is divided by
	 * @param count how many classes to name
	 * @return for example {@code char[] 2,048.0 KiB, byte[] 1,024.3 KiB}
	 */
	String largestGrowth(HeapCensus before, int units, int count) {
		List<Map.Entry<String, Long>> growth = new ArrayList<>();
		this.bytesByClass
			.forEach((name, bytes) -> growth.add(Map.entry(name, bytes - before.bytesByClass.getOrDefault(name, 0L))));
		growth.sort(Map.Entry.<String, Long>comparingByValue().reversed());
		List<String> named = new ArrayList<>();
		for (Map.Entry<String, Long> entry : growth.subList(0, Math.min(count, growth.size()))) {
			named.add(String.format(Locale.ROOT, "%s %,.1f KiB", readable(entry.getKey()),
					entry.getValue() / 1024.0 / units));
		}
		return String.join(", ", named);
	}

	private static String readable(String className) {
		return switch (className) {
			case "[B" -> "byte[]";
			case "[C" -> "char[]";
			case "[I" -> "int[]";
			case "[J" -> "long[]";
			case "[Ljava.lang.Object;" -> "Object[]";
			default -> className;
		};
	}

}
