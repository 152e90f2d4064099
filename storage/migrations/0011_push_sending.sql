-- A push is claimed before it is sent and confirmed after: `sending` is 1 in between.
-- A row still at 1 when the bot starts was interrupted by a crash and is sent again
-- (at most the one message in flight at the crash can arrive twice; none is lost).
ALTER TABLE pushes ADD COLUMN sending INTEGER NOT NULL DEFAULT 0;
