-- The protocol allows a client_id of up to 128 characters, and the inbound store keeps the
-- origin's client_id of each event: 64 made an event from a client with a longer id impossible
-- to store, which stopped the user's inbound stream at it. Portable across PostgreSQL, H2 and
-- MariaDB/MySQL (none of the three shares a statement that changes a column's type).
alter table realtime_inbox_event add origin_client_id_128 varchar(128);
update realtime_inbox_event set origin_client_id_128 = origin_client_id;
alter table realtime_inbox_event drop column origin_client_id;
alter table realtime_inbox_event rename column origin_client_id_128 to origin_client_id;
