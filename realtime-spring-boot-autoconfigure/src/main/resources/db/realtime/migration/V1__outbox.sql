-- Outbound side of the realtime client: one stream per user (realtime_client) and the events
-- waiting for the hub's ack (realtime_outbox). Portable across PostgreSQL, H2 and MariaDB.
-- Times are epoch milliseconds (created_at: microseconds) in bigint columns: MariaDB's
-- TIMESTAMP has implicit defaults and time-zone conversion, and no timestamp type is portable.

create table realtime_client (
    user_id           varchar(128) not null,
    client_id         varchar(36)  not null,
    next_seq          bigint       not null,
    relay_owner       varchar(64),
    relay_lease_until bigint,
    constraint realtime_client_pk primary key (user_id)
);

create sequence realtime_outbox_id_seq start with 1 increment by 50;

create table realtime_outbox (
    id              bigint       not null,
    user_id         varchar(128) not null,
    idempotency_key varchar(255) not null,
    event           varchar(255) not null,
    payload         text         not null,
    created_at      bigint       not null,
    seq             bigint,
    status          varchar(16)  not null,
    attempts        integer      not null,
    lease_owner     varchar(64),
    lease_until     bigint,
    error_code      varchar(64),
    last_error      varchar(1000),
    dead_at         bigint,
    constraint realtime_outbox_pk primary key (id),
    constraint realtime_outbox_key_uk unique (user_id, idempotency_key)
);

-- What the relay queries: a user's PENDING rows, resends by seq, new rows (seq null) by id;
-- also serves the cumulative ack's delete and the dead-letter listing.
create index realtime_outbox_relay_ix on realtime_outbox (user_id, status, seq, id);

-- MySQL/MariaDB only (an executable comment, a plain comment elsewhere): text holds only
-- 64 KiB there while a frame may carry 1 MiB.
/*!50503 alter table realtime_outbox modify payload mediumtext not null */;
