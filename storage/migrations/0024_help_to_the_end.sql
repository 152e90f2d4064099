-- A request for help followed to its end (seed 001: 急事快办、难事妥办; seed 003: 不能解释的
-- 上报局党委): contacted -> resolved (with what was done), or reported to the secretary,
-- who may report it on to the Party committee above (a line in the weekly digest).
ALTER TABLE help_requests ADD COLUMN resolved_at TEXT;
ALTER TABLE help_requests ADD COLUMN resolved_by INTEGER REFERENCES people(id);
ALTER TABLE help_requests ADD COLUMN resolution TEXT;
ALTER TABLE help_requests ADD COLUMN reported_at TEXT;
ALTER TABLE help_requests ADD COLUMN reported_up_at TEXT;
