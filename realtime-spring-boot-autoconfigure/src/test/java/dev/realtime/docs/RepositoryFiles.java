package dev.realtime.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The repository's own files, found from the module the tests run in: the root is the
 * nearest folder upwards that holds the Maven wrapper.
 */
final class RepositoryFiles {

	private static final Set<String> SKIPPED = Set.of("target", "node_modules", ".git", ".mvn");

	private RepositoryFiles() {
	}

	/**
	 * Return the repository's root folder.
	 * @return the root
	 */
	static Path root() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
				return dir;
			}
		}
		throw new IllegalStateException("No folder with mvnw and pom.xml above " + Path.of("").toAbsolutePath());
	}

	/**
	 * Return every Markdown file of the repository, build output and installed packages
	 * left out.
	 * @return the files, sorted
	 */
	static List<Path> markdown() {
		Path root = root();
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter((file) -> file.toString().endsWith(".md"))
				.filter((file) -> root.relativize(file).getNameCount() == 1 || !skipped(root.relativize(file)))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean skipped(Path relative) {
		for (Path part : relative) {
			if (SKIPPED.contains(part.toString())) {
				return true;
			}
		}
		return false;
	}

}
