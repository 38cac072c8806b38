-- Each user's profile as last sent in a user.update meta signal: the custom fields (a JSON object
-- of at most 5 KiB) the hub shows to the users sharing a room with the user.
CREATE TABLE hub_user_profile (
    user_id    VARCHAR(128) NOT NULL PRIMARY KEY,
    custom     TEXT         NOT NULL,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
