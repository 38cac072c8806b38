package dev.realtime.hub;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PropertiesRoomAuthorizer}, the default of {@code realtime.hub.rooms}.
 */
class PropertiesRoomAuthorizerTests {

	@Test
	void byDefaultNoRoomIsOpen() {
		RoomAuthorizer defaults = new PropertiesRoomAuthorizer(new HubProperties().getRooms().getOpen());
		assertThat(defaults.mayJoin("alice", "general")).isFalse();
		assertThat(defaults.mayJoin("alice", "*")).isFalse();
	}

	@Test
	void opensListedNamesAndPatternsToEveryUser() {
		RoomAuthorizer authorizer = new PropertiesRoomAuthorizer(List.of("general", "public:*"));
		assertThat(authorizer.mayJoin("alice", "general")).isTrue();
		assertThat(authorizer.mayJoin("bob", "public:news")).isTrue();
		assertThat(authorizer.mayJoin("alice", "general-2")).isFalse();
		assertThat(authorizer.mayJoin("alice", "private:news")).isFalse();
		assertThat(new PropertiesRoomAuthorizer(List.of("*")).mayJoin("carol", "anything")).isTrue();
	}

}
