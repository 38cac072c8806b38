-- progress of the demo's burst sender: committed in the same transaction as the outbox rows,
-- so a restart after a crash continues exactly where the committed work ends
CREATE TABLE demo_burst_progress (
    id INTEGER PRIMARY KEY,
    last_sent INTEGER NOT NULL
);
