-- Room membership, so that it outlives a hub restart: a user joined the room (room.join, or by
-- sending to it) and the hub's RoomAuthorizer let it in. Room names are strings of 1 to 255
-- characters.
CREATE TABLE hub_room_member (
    room      VARCHAR(255) NOT NULL,
    user_id   VARCHAR(128) NOT NULL,
    joined_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (room, user_id)
);
