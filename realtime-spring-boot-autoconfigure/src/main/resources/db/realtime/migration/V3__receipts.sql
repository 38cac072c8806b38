-- Read receipts a user's client learned of (receipt.read events from the hub, and its own),
-- kept so they survive restarts. Portable across PostgreSQL, H2 and MariaDB/MySQL.

-- One row per owner (the client's user), message and reader: a receipt delivered again is
-- not stored twice. The primary key serves the lookups by owner and message.
create table realtime_read_receipt (
    owner_user_id  varchar(128)  not null,
    message_id     varchar(255)  not null,
    reader_user_id varchar(128)  not null,
    channel_id     varchar(255)  not null,
    read_at        timestamp(6)  not null,
    constraint realtime_read_receipt_pk primary key (owner_user_id, message_id, reader_user_id)
);

-- MySQL/MariaDB only (an executable comment, a plain comment elsewhere): timestamp ends in 2038.
/*!50503 alter table realtime_read_receipt modify read_at datetime(6) not null */;
