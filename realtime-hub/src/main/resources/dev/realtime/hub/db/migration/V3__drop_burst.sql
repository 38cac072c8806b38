-- the burst sender of the old crash test is gone (CrashRecoveryTests uses its own service at the
-- default lease); its progress table goes with it
DROP TABLE demo_burst_progress;
