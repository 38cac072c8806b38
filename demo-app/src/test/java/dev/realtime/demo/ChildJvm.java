package dev.realtime.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo application in a separate JVM, for tests that kill a process for real. Its output
 * goes to a log file under {@code target/} so a failure can be diagnosed.
 */
public final class ChildJvm implements AutoCloseable {

	private final Process process;

	private final Path log;

	private ChildJvm(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	/**
	 * Start the demo application with the test's classpath.
	 * @param name names the log file
	 * @param args Spring Boot command-line arguments, for example {@code --server.port=0}
	 * @return the running process
	 * @throws IOException if the JVM cannot be started
	 */
	public static ChildJvm start(String name, List<String> args) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
				DemoApplication.class.getName()));
		command.addAll(args);
		Path log = Path.of("target", name + ".log");
		File logFile = log.toFile();
		logFile.getParentFile().mkdirs();
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile))
			.start();
		return new ChildJvm(process, log);
	}

	/**
	 * Kill the process with SIGKILL: no shutdown hooks, no graceful stop, nothing flushed.
	 * @throws InterruptedException if interrupted while waiting for it to die
	 */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Child JVM did not die within 30s of SIGKILL");
		}
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	public Path log() {
		return this.log;
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

}
