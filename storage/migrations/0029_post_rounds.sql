-- Notices and study material are followed up by the same phone round as greetings,
-- reminders and weather warnings (one mechanism: 电话已告知 / 上门告知 / 没联系上), so a
-- round can now be about a post. The CHECK on rounds.kind names the kinds, so the table is
-- rebuilt (foreign keys are off while migrations run, see storage/db.py; round_calls keeps
-- its rows because the ids are copied).

CREATE TABLE rounds_new (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,   -- what was passed on, e.g. holiday:chunjie:2027-02-06
    kind        TEXT NOT NULL CHECK (kind IN ('meeting', 'holiday', 'birthday', 'anniversary',
                                              'weather', 'safe', 'notice', 'study')),
    what        TEXT NOT NULL,          -- the message to pass on, as the bot sent it
    direct      INTEGER NOT NULL CHECK (direct >= 0),
    told_at     TEXT,                   -- when the leaders were sent their lists
    created_at  TEXT NOT NULL
);
INSERT INTO rounds_new (id, key, kind, what, direct, told_at, created_at)
SELECT id, key, kind, what, direct, told_at, created_at FROM rounds;
DROP TABLE rounds;
ALTER TABLE rounds_new RENAME TO rounds;
