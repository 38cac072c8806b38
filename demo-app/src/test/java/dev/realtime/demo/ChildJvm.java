package dev.realtime.demo;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo application in a separate JVM, for tests that kill a process for real. Its
 * output goes to a log file under {@code target/} so a failure can be diagnosed.
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
		return start(name, DemoApplication.class, args);
	}

	/**
	 * Start an application of the test's classpath.
	 * @param name names the log file
	 * @param mainClass the class whose {@code main} runs
	 * @param args the program's arguments
	 * @return the running process
	 * @throws IOException if the JVM cannot be started
	 */
	public static ChildJvm start(String name, Class<?> mainClass, List<String> args) throws IOException {
		return start(name, mainClass, args, System.getProperty("java.class.path"));
	}

	/**
	 * Start an application with a classpath of the test's choosing.
	 * @param name names the log file
	 * @param mainClass the class whose {@code main} runs
	 * @param args the program's arguments
	 * @param classPath the classpath, for example the test's without some jars
	 * @return the running process
	 * @throws IOException if the JVM cannot be started
	 */
	public static ChildJvm start(String name, Class<?> mainClass, List<String> args, String classPath)
			throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		// C1 only and the serial collector: these processes live for seconds, and start
		// in about
		// half the CPU time on a loaded 2-core CI machine
		List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
				"-cp", classPath, mainClass.getName()));
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
	 * Kill the process with SIGKILL: no shutdown hooks, no graceful stop, nothing
	 * flushed.
	 * @throws InterruptedException if interrupted while waiting for it to die
	 */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Child JVM did not die within 30s of SIGKILL");
		}
	}

	/**
	 * Stop the process with SIGTERM, as a deployment does: shutdown hooks run and the
	 * application stops gracefully.
	 * @throws InterruptedException if interrupted while waiting for it to exit
	 */
	public void stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Child JVM did not stop within 60s of SIGTERM");
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
