-- Shared placement of users over the instances of an application. Portable across PostgreSQL,
-- H2 and MariaDB/MySQL.

-- placement: null for a stream no coordinator runs (the single-user client), PINNED (runs on
-- relay_home only, never taken over) or SHARED (any live instance may take it, each up to its
-- fair share). profile: the user's profile as JSON, so the instance that takes a shared user
-- over can rebuild it. A free or expired shared user has relay_lease_until below the database's
-- clock: a released lease sets it to 0.
alter table realtime_client add placement varchar(16);
alter table realtime_client add relay_home varchar(64);
alter table realtime_client add profile text;
update realtime_client set relay_lease_until = 0 where relay_lease_until is null;

-- the leases an instance holds: renewed all at once, and the instance's users looked up, by owner
create index realtime_client_owner_ix on realtime_client (relay_owner);
-- the shared users: counted and claimed by placement (the lease's expiry is not indexed, so
-- renewing a lease leaves the indexes alone)
create index realtime_client_placement_ix on realtime_client (placement);

-- The live instances: each renews its row every poll interval, timed by the database's clock;
-- the number of unexpired rows divides the shared users into fair shares.
create table realtime_instance (
    instance_id varchar(64) not null,
    expires_at  bigint      not null,
    constraint realtime_instance_pk primary key (instance_id)
);
