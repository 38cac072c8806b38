package dev.realtime.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata generated from the properties classes documents every
 * {@code realtime.*} property, in Spring Boot's wording, so the IDE completes and
 * explains them.
 */
class ConfigurationMetadataTests {

	@Test
	void everyRealtimePropertyHasADescriptionInBootsWording() throws IOException {
		List<JsonNode> properties = realtimeProperties();
		assertThat(properties).extracting((property) -> property.get("name").asString())
			.contains("realtime.url", "realtime.auth.ssl-bundle", "realtime.outbox.lease-duration");
		assertThat(properties).allSatisfy((property) -> {
			String name = property.get("name").asString();
			JsonNode description = property.get("description");
			assertThat(description).as("description of %s", name).isNotNull();
			String text = description.asString();
			assertThat(text).as("description of %s", name)
				.isNotBlank()
				.endsWith(".")
				.doesNotStartWith("The ")
				.doesNotStartWith("A ");
			if ("java.lang.Boolean".equals(property.path("type").asString())) {
				assertThat(text).as("description of %s", name).startsWith("Whether");
			}
		});
	}

	/**
	 * Read the {@code realtime.*} properties of every generated metadata file on the
	 * class path (the library's own, from its compiled properties classes).
	 */
	private static List<JsonNode> realtimeProperties() throws IOException {
		JsonMapper json = JsonMapper.builder().build();
		List<JsonNode> properties = new ArrayList<>();
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				for (JsonNode property : json.readTree(in).path("properties")) {
					if (property.path("name").asString().startsWith("realtime.")) {
						properties.add(property);
					}
				}
			}
		}
		return properties;
	}

}
