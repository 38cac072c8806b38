package dev.realtime.test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log records a client wrote in captured console output (Spring Boot's default
 * pattern): each record is its line and the stack trace lines after it. Records of the
 * servers a test runs in its own JVM ({@link TestHub}'s Tomcat, whose worker threads are
 * named {@code http-nio-auto-N-exec-M}) are left out: in production they are another
 * process's logs.
 */
public final class ClientLog {

	private static final Pattern RECORD = Pattern
		.compile("^\\d{4}-\\d{2}-\\d{2}T\\S+\\s+(TRACE|DEBUG|INFO|WARN|ERROR) \\d+ --- \\[\\s*([^\\]]*)] (\\S+)");

	private static final Pattern SERVER_THREAD = Pattern.compile("-exec-\\d+$");

	private ClientLog() {
	}

	/**
	 * The client's records in captured output.
	 * @param output the captured output
	 * @return the records, in order
	 */
	public static List<Record> records(String output) {
		List<Record> records = new ArrayList<>();
		Record current = null;
		for (String line : output.split("\\R")) {
			Matcher record = RECORD.matcher(line);
			if (record.lookingAt()) {
				current = new Record(record.group(1), record.group(2), record.group(3), line, new ArrayList<>());
				if (!SERVER_THREAD.matcher(current.thread()).find()) {
					records.add(current);
				}
			}
			else if (current != null && !line.isBlank()) {
				current.more().add(line);
			}
		}
		return records;
	}

	/**
	 * One log record.
	 *
	 * @param level its level
	 * @param thread its thread, as the pattern shortens it
	 * @param logger its logger, as the pattern shortens it
	 * @param line its first line
	 * @param more the lines after it (a stack trace)
	 */
	public record Record(String level, String thread, String logger, String line, List<String> more) {

		/**
		 * Whether the record carries a stack trace.
		 * @return whether it does
		 */
		public boolean hasStackTrace() {
			return this.more.stream().anyMatch((line) -> line.startsWith("\tat ") || line.startsWith("Caused by:"));
		}

		@Override
		public String toString() {
			return this.line + ((this.more.isEmpty()) ? "" : " (+" + this.more.size() + " lines)");
		}

	}

}
