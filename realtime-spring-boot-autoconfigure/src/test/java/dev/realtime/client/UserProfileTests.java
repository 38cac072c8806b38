package dev.realtime.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.protocol.PrivacySettings;
import dev.realtime.protocol.UserProfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Checks of {@link UserProfile}: clear errors naming the field, and the payload of
 * {@code user.update}.
 */
class UserProfileTests {

	private final JsonMapper mapper = JsonMapper.builder().build();

	@Test
	void badIdIsRefusedNamingTheRule() {
		assertThatIllegalArgumentException().isThrownBy(() -> UserProfile.of("Alice Smith"))
			.withMessage("id: must match [a-z0-9@_-]{1,128} (1 to 128 characters of a-z, 0-9, '@', '_' and '-', "
					+ "lower case), was 'Alice Smith'");
		assertThatIllegalArgumentException().isThrownBy(() -> UserProfile.of(""))
			.withMessageStartingWith("id: must match");
		assertThatIllegalArgumentException().isThrownBy(() -> UserProfile.of("a".repeat(129)))
			.withMessageStartingWith("id: must match");
	}

	@Test
	void sixKilobytesOfCustomFieldsAreRefusedWithTheFigures() {
		Map<String, Object> custom = new LinkedHashMap<>();
		custom.put("name", "Alice");
		custom.put("avatar", "x".repeat(6 * 1024));
		assertThatIllegalArgumentException().isThrownBy(() -> UserProfile.of("alice").withCustomFields(custom))
			.withMessage("customFields: 6172 bytes of JSON in total, at most 5120 are allowed "
					+ "(largest: customFields.avatar with 6146 bytes)");
	}

	@Test
	void customFieldsUpToTheLimitAreAccepted() {
		// {"a":"…"} is 8 bytes around the value: exactly 5120 bytes in total
		UserProfile profile = UserProfile.of("alice").withCustomFields(Map.of("a", "x".repeat(5120 - 8)));
		assertThat(this.mapper.writeValueAsString(profile.customFields())).hasSize(5120);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> UserProfile.of("alice").withCustomFields(Map.of("a", "x".repeat(5120 - 7))))
			.withMessageStartingWith("customFields: 5121 bytes of JSON in total");
	}

	@Test
	void multiByteCharactersCountAsTheirUtf8Bytes() {
		// 2000 characters of 3 bytes each: 6000 bytes, though only 2000 characters
		assertThatIllegalArgumentException()
			.isThrownBy(() -> UserProfile.of("alice").withCustomFields(Map.of("bio", "€".repeat(2000))))
			.withMessageStartingWith("customFields: 6010 bytes of JSON in total");
	}

	@Test
	void valueThatIsNotJsonMappableIsRefusedNamingTheField() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> UserProfile.of("alice").withCustomFields(Map.of("avatar", new Broken("x"))))
			.withMessageStartingWith("customFields.avatar: cannot be converted to JSON");
	}

	@Test
	void blankFieldNameIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> UserProfile.of("alice").withCustomFields(Map.of(" ", "x")))
			.withMessage("customFields. : a field name must have 1 to 64 characters and not be blank");
	}

	@Test
	void payloadCarriesCustomFieldsAndPrivacy() {
		UserProfile profile = new UserProfile("alice", Map.of("name", "Alice", "tags", List.of("a", "b")),
				new PrivacySettings(false, true));
		assertThat(this.mapper.writeValueAsString(profile.toPayload())).contains("\"custom\":{")
			.contains("\"tags\":[\"a\",\"b\"]")
			.contains("\"privacy\":{\"typing_indicators\":false,\"read_receipts\":true}");
		assertThat(UserProfiles.payloadProblem(this.mapper.valueToTree(profile.toPayload()), this.mapper)).isNull();
	}

	@Test
	void serverSideCheckNamesTheWireFields() {
		assertThat(UserProfiles.payloadProblem(this.mapper.readTree("{\"custom\":[1]}"), this.mapper))
			.isEqualTo("custom: must be a JSON object, was array");
		assertThat(UserProfiles.payloadProblem(
				this.mapper.readTree("{\"custom\":{},\"privacy\":{\"read_receipts\":\"no\"}}"), this.mapper))
			.isEqualTo("privacy.read_receipts: must be true or false");
		assertThat(UserProfiles.payloadProblem(
				this.mapper.valueToTree(Map.of("custom", Map.of("avatar", "x".repeat(6 * 1024)))), this.mapper))
			.startsWith("custom: 6157 bytes of JSON in total, at most 5120 are allowed");
		assertThat(UserProfiles.payloadProblem(this.mapper.readTree("7"), this.mapper))
			.isEqualTo("user.update payload must be a JSON object");
	}

	/**
	 * A value whose conversion fails, as a value with a broken getter does.
	 *
	 * @param value never read
	 */
	record Broken(String value) {

		@Override
		public String value() {
			throw new IllegalStateException("not readable");
		}

	}

}
