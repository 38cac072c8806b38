-- Inbound store (inbox): events received from the hub until listeners handled them, and one
-- resume cursor per user. Portable across PostgreSQL, H2 and MariaDB/MySQL.

-- One row per stored event; the row is deleted once listeners handled it, so the table holds
-- only pending (RECEIVED) and parked (FAILED) events.
create table realtime_inbox_event (
    user_id                varchar(128)  not null,
    seq                    bigint        not null,
    event                  varchar(255)  not null,
    payload                text          not null,
    server_timestamp       timestamp(6),
    origin_client_id       varchar(64),
    origin_idempotency_key varchar(255),
    status                 varchar(16)   not null,
    attempts               integer       not null,
    last_error             varchar(1000),
    received_at            timestamp(6)  not null,
    constraint realtime_inbox_event_pk primary key (user_id, seq)
);

-- The dispatcher reads a user's RECEIVED events in seq order; the API lists FAILED ones.
create index realtime_inbox_event_status_idx on realtime_inbox_event (user_id, status, seq);

-- last_ack_seq: highest stored seq (sent as last_ack_seq in resume);
-- failed_count: parked events, maintained so metrics need no count(*).
create table realtime_inbox_cursor (
    user_id        varchar(128) not null,
    last_ack_seq   bigint       not null,
    failed_count   bigint       not null,
    last_synced_at timestamp(6) not null,
    constraint realtime_inbox_cursor_pk primary key (user_id)
);

-- MySQL/MariaDB only (an executable comment, a plain comment elsewhere): text holds only
-- 64 KiB there while a frame may carry 1 MiB, and timestamp ends in 2038.
/*!50503 alter table realtime_inbox_event modify payload mediumtext not null,
    modify server_timestamp datetime(6) null, modify received_at datetime(6) not null */;
/*!50503 alter table realtime_inbox_cursor modify last_synced_at datetime(6) not null */;
