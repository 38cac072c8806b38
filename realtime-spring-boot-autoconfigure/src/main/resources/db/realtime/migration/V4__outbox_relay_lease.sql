-- The relay without row leases: one fenced lease per user, and an index-driven claim.
-- Portable across PostgreSQL, H2 and MariaDB/MySQL. Upgrades pending rows in place: nothing is
-- lost or sent again beyond what a reconnect resends anyway (sequenced rows keep their seq).

-- relay_epoch fences a stale lease holder: it grows by one at every takeover, and every claim,
-- ack and dead-letter checks it under the row lock of realtime_client.
alter table realtime_client add relay_epoch bigint default 0 not null;

-- status NEW: not yet numbered (claimed by id); SEQUENCED: has its seq, waits for the ack
-- (resent by seq after a reconnect); DEAD: rejected by the hub. Both relay queries are ranges of
-- realtime_outbox_relay_ix (user_id, status, seq, id): NEW rows all have a null seq, so
-- "order by seq, id" is the index order and needs no sort whatever the planner statistics.
update realtime_outbox set status = 'NEW' where status = 'PENDING' and seq is null;
update realtime_outbox set status = 'SEQUENCED' where status = 'PENDING' and seq is not null;

-- per-row leases and attempt counts: a connection drop no longer counts against an event
alter table realtime_outbox drop column lease_owner;
alter table realtime_outbox drop column lease_until;
alter table realtime_outbox drop column attempts;
