package dev.realtime.docs;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md} is generated from the configuration metadata that the
 * properties classes' Javadoc becomes, so the reference cannot drift from the code. When
 * a property changes, this test fails until the page is written again with
 * {@code -Drealtime.docs.update=true} (see the page's first lines).
 */
class ConfigurationReferenceTests {

	private static final String PAGE = "docs/configuration.md";

	private static final String UPDATE = "realtime.docs.update";

	private static final Pattern SIMPLE_NAME = Pattern.compile("[\\w.$]+");

	@Test
	void theConfigurationPageIsTheOneTheMetadataGives() throws IOException {
		String expected = render(properties());
		Path page = RepositoryFiles.root().resolve(PAGE);
		if (Boolean.getBoolean(UPDATE)) {
			Files.writeString(page, expected);
		}
		assertThat(Files.exists(page) ? Files.readString(page) : "")
			.as("%s is generated from the configuration metadata: run this test with -D%s=true to write it again", PAGE,
					UPDATE)
			.isEqualTo(expected);
	}

	private static String render(List<JsonNode> properties) {
		Map<String, List<JsonNode>> groups = new TreeMap<>();
		for (JsonNode property : properties) {
			groups.computeIfAbsent(group(property.get("name").asString()), (key) -> new ArrayList<>()).add(property);
		}
		StringBuilder page = new StringBuilder();
		page.append("# Configuration reference\n\n");
		page.append("Every property of the client starter, as its configuration metadata describes it (the same\n");
		page.append("text your IDE shows). Generated from that metadata by `ConfigurationReferenceTests`, which\n");
		page.append("fails the build when this page differs; after changing a property, write it again with\n\n");
		page.append("```bash\n");
		page.append(
				"./mvnw -pl realtime-spring-boot-autoconfigure -am test -Dtest=ConfigurationReferenceTests \\\n    -Dsurefire.failIfNoSpecifiedTests=false -D")
			.append(UPDATE)
			.append("=true\n");
		page.append("```\n");
		for (Map.Entry<String, List<JsonNode>> group : groups.entrySet()) {
			page.append("\n## `").append(group.getKey()).append("`\n\n");
			page.append("| property | type | default | description |\n");
			page.append("|---|---|---|---|\n");
			for (JsonNode property : group.getValue()) {
				page.append("| `")
					.append(property.get("name").asString())
					.append("` | ")
					.append(type(property.path("type").asString()))
					.append(" | ")
					.append(defaultValue(property.get("defaultValue")))
					.append(" | ")
					.append(cell(property.path("description").asString()))
					.append(" |\n");
			}
		}
		return page.toString();
	}

	/**
	 * The group of a property: its name without the last segment ({@code realtime} for
	 * the top-level ones).
	 */
	private static String group(String name) {
		return name.substring(0, name.lastIndexOf('.'));
	}

	private static String type(String type) {
		try {
			Class<?> typeClass = Class.forName(type);
			if (typeClass.isEnum()) {
				return Arrays.stream(typeClass.getEnumConstants())
					.map((constant) -> "`" + ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-')
							+ "`")
					.collect(Collectors.joining(", "));
			}
			return typeClass.getSimpleName();
		}
		catch (ClassNotFoundException ex) {
			// a generic type such as java.util.Set<java.lang.String>: each name without
			// its package
			return SIMPLE_NAME.matcher(type).replaceAll((name) -> {
				String qualified = name.group();
				return qualified.substring(qualified.lastIndexOf('.') + 1);
			});
		}
	}

	private static String defaultValue(JsonNode value) {
		if (value == null || value.isNull()) {
			return "";
		}
		return "`" + (value.isString() ? value.asString() : value.toString()) + "`";
	}

	private static String cell(String text) {
		return text.replace("|", "\\|").replace("\n", " ");
	}

	/**
	 * Read the library's properties from the generated metadata on the class path.
	 */
	private static List<JsonNode> properties() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		List<JsonNode> properties = new ArrayList<>();
		for (URL url : Collections.list(ConfigurationReferenceTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				for (JsonNode property : json.readTree(text).path("properties")) {
					String name = property.path("name").asString();
					if (name.startsWith("realtime.") || name.startsWith("management.endpoint.realtime.")) {
						properties.add(property);
					}
				}
			}
		}
		properties.sort(Comparator.comparing((JsonNode property) -> property.get("name").asString()));
		return properties;
	}

}
