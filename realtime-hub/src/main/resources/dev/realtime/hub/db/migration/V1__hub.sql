-- Reference hub storage. Portable SQL: runs on PostgreSQL and H2.

-- Every user the hub has seen, with the head of the user's inbound stream.
CREATE TABLE hub_user (
    user_id       VARCHAR(128) NOT NULL PRIMARY KEY,
    last_seq      BIGINT       NOT NULL DEFAULT 0,  -- last inbound seq assigned (gapless per user)
    delivered_seq BIGINT       NOT NULL DEFAULT 0,  -- highest seq a client of the user acked
    purged_seq    BIGINT       NOT NULL DEFAULT 0,  -- highest seq removed by retention
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Each client_id is bound to one user for good; accepted_seq drives the cumulative ack.
CREATE TABLE hub_client (
    client_id    VARCHAR(128) NOT NULL PRIMARY KEY,
    user_id      VARCHAR(128) NOT NULL REFERENCES hub_user (user_id),
    accepted_seq BIGINT       NOT NULL DEFAULT 0,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Outbound events the hub accepted, for durable deduplication.
CREATE TABLE hub_accepted_event (
    client_id        VARCHAR(128) NOT NULL,
    seq              BIGINT       NOT NULL,
    user_id          VARCHAR(128) NOT NULL,
    idempotency_key  VARCHAR(200),
    event_name       VARCHAR(200) NOT NULL,
    message_id       UUID         NOT NULL,
    client_timestamp TIMESTAMP WITH TIME ZONE,
    accepted_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (client_id, seq)
);
-- keys are scoped per user: two users may derive the same key from their own data
CREATE UNIQUE INDEX hub_accepted_event_key ON hub_accepted_event (user_id, idempotency_key);
CREATE INDEX hub_accepted_event_accepted_at ON hub_accepted_event (accepted_at);

-- One row per fanned-out event; the payload is stored once however many users receive it.
CREATE TABLE hub_message (
    id                     UUID         NOT NULL PRIMARY KEY,
    event_name             VARCHAR(200) NOT NULL,
    payload                TEXT         NOT NULL,
    origin_client_id       VARCHAR(128),
    origin_idempotency_key VARCHAR(200),
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX hub_message_created_at ON hub_message (created_at);

-- Each user's inbound stream: seq 1, 2, 3, ... pointing at the message delivered.
CREATE TABLE hub_stream_event (
    user_id    VARCHAR(128) NOT NULL,
    seq        BIGINT       NOT NULL,
    message_id UUID         NOT NULL REFERENCES hub_message (id),
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_id, seq)
);
CREATE INDEX hub_stream_event_created_at ON hub_stream_event (created_at);
-- retention deletes a message once no stream row points at it
CREATE INDEX hub_stream_event_message ON hub_stream_event (message_id);
