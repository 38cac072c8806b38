-- Each user's privacy settings as last sent in a privacy.update meta signal (or the privacy part of
-- a user.update), so that every hub node and a restarted one apply them: a user without a row shares
-- everything.
CREATE TABLE hub_user_privacy (
    user_id           VARCHAR(128) NOT NULL PRIMARY KEY,
    typing_indicators BOOLEAN      NOT NULL,
    read_receipts     BOOLEAN      NOT NULL,
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
