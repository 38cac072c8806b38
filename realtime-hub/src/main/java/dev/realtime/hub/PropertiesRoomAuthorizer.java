package dev.realtime.hub;

import java.util.List;

import org.springframework.util.PatternMatchUtils;

/**
 * The default {@link RoomAuthorizer}: any user may join a room whose name matches one of
 * {@code realtime.hub.rooms.open} (exact names, or simple patterns with {@code *} such as
 * {@code public:*}); every other join is refused. With nothing configured no room is
 * open, so a hub never hands a room's events to a user nobody allowed in.
 */
final class PropertiesRoomAuthorizer implements RoomAuthorizer {

	private final String[] openRooms;

	PropertiesRoomAuthorizer(List<String> openRooms) {
		this.openRooms = openRooms.toArray(String[]::new);
	}

	@Override
	public boolean mayJoin(String userId, String room) {
		return PatternMatchUtils.simpleMatch(this.openRooms, room);
	}

}
