package dev.realtime.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link, and every code span that names a path of the repository, in every
 * Markdown file resolves inside the repository to a file that exists, and a link's anchor
 * to a heading of its page. A clone is all a reader has: a path outside it, or to a file
 * that moved, is a dead end. External URLs are not checked (the build has no network).
 */
class MarkdownLinksTests {

	private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

	private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\s]+)`");

	private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._\\-/]+");

	private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

	@Test
	void relativeLinksAndPathsResolveInsideTheRepository() throws IOException {
		Path root = RepositoryFiles.root();
		List<String> broken = new ArrayList<>();
		for (Path file : RepositoryFiles.markdown()) {
			List<String> lines = Files.readAllLines(file);
			boolean fenced = false;
			for (int i = 0; i < lines.size(); i++) {
				String line = lines.get(i);
				if (line.stripLeading().startsWith("```")) {
					fenced = !fenced;
					continue;
				}
				if (fenced) {
					continue;
				}
				String where = root.relativize(file) + ":" + (i + 1);
				Matcher link = LINK.matcher(line);
				while (link.find()) {
					String problem = linkProblem(root, file, link.group(1));
					if (problem != null) {
						broken.add(where + ": " + problem);
					}
				}
				Matcher span = CODE_SPAN.matcher(withoutLinks(line));
				while (span.find()) {
					String problem = pathProblem(root, file, span.group(1));
					if (problem != null) {
						broken.add(where + ": " + problem);
					}
				}
			}
		}
		assertThat(broken).as("links and paths in Markdown files").isEmpty();
	}

	@Test
	void headingsBecomeTheAnchorsGitHubGives() {
		assertThat(anchor("Socket.IO mapping")).isEqualTo("socketio-mapping");
		assertThat(anchor("Run the tests")).isEqualTo("run-the-tests");
		assertThat(anchor("`realtime.outbox` (outbox)")).isEqualTo("realtimeoutbox-outbox");
	}

	private static String withoutLinks(String line) {
		return LINK.matcher(line).replaceAll("");
	}

	private static String linkProblem(Path root, Path file, String target) {
		if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
			return null; // an external URL (https:, mailto:): not checked offline
		}
		int hash = target.indexOf('#');
		String path = (hash >= 0) ? target.substring(0, hash) : target;
		String anchor = (hash >= 0) ? target.substring(hash + 1) : null;
		Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
		if (!resolved.startsWith(root)) {
			return "link " + target + " points outside the repository";
		}
		if (!Files.exists(resolved)) {
			return "link " + target + " names a file that does not exist";
		}
		if (anchor != null && !anchors(resolved).contains(anchor)) {
			return "link " + target + " names an anchor that " + root.relativize(resolved) + " has no heading for";
		}
		return null;
	}

	/**
	 * A code span is taken for a path of the repository when it starts with {@code ./} or
	 * {@code ../}, or when its first segment is an entry of the repository's root (a
	 * module, {@code docs}, a script); build output is left alone. Paths are read from
	 * the root, where the commands of these pages run, except {@code ../}, which can only
	 * mean the page's own folder.
	 */
	private static String pathProblem(Path root, Path file, String span) {
		if (!PATH.matcher(span).matches() || !span.contains("/") || span.contains("target/")) {
			return null;
		}
		boolean relative = span.startsWith("./") || span.startsWith("../");
		String first = span.substring(0, span.indexOf('/'));
		if (!relative && (first.isEmpty() || !Files.exists(root.resolve(first)))) {
			return null;
		}
		Path resolved = (span.startsWith("../") ? file.getParent() : root).resolve(span).normalize();
		if (!resolved.startsWith(root)) {
			return "path " + span + " points outside the repository";
		}
		if (!Files.exists(resolved)) {
			return "path " + span + " does not exist";
		}
		return null;
	}

	private static Set<String> anchors(Path markdown) {
		Set<String> anchors = new HashSet<>();
		if (!markdown.toString().endsWith(".md")) {
			return anchors;
		}
		try {
			boolean fenced = false;
			for (String line : Files.readAllLines(markdown)) {
				if (line.stripLeading().startsWith("```")) {
					fenced = !fenced;
				}
				Matcher heading = HEADING.matcher(line);
				if (!fenced && heading.matches()) {
					String anchor = anchor(heading.group(1));
					for (int n = 1; !anchors.add(anchor); n++) {
						anchor = anchor(heading.group(1)) + "-" + n;
					}
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + markdown, ex);
		}
		return anchors;
	}

	/**
	 * GitHub's anchor of a heading: lower case, punctuation other than hyphens and
	 * underscores dropped, spaces as hyphens.
	 */
	private static String anchor(String heading) {
		return heading.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
	}

}
