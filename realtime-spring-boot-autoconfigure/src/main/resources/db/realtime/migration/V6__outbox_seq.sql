-- Numbering at the group commit. Portable across PostgreSQL, H2 and MariaDB/MySQL.

-- Each user's outbound seq counter, apart from the lease row in realtime_client: the group
-- commit numbers events as it inserts them and locks these rows only (in user order), so it
-- never waits on a lease row, which the instances' lease renewals lock in an order of their own,
-- and the relay's claims, which write realtime_client only, never wait on a group commit.
create table realtime_outbox_seq (
    user_id  varchar(128) not null,
    next_seq bigint       not null,
    constraint realtime_outbox_seq_pk primary key (user_id)
);

insert into realtime_outbox_seq (user_id, next_seq) select user_id, next_seq from realtime_client;

-- sent_seq: the highest seq a relay handed to a connection, the bound of an ack that claims
-- more than was sent (numbered is not sent: events written while the hub is down are numbered
-- at once and sent later). Until now a seq was given out by the claim that sent it.
alter table realtime_client add sent_seq bigint default 0 not null;
update realtime_client set sent_seq = next_seq - 1;

alter table realtime_client drop column next_seq;
