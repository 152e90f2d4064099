-- 组织生活会 becomes a meeting kind ('org_life'), and a meeting can repeat: a series
-- (每月第一个周二 党小组会) is written once; each occurrence is an ordinary meeting with
-- its own card, made a week ahead by the push planner and tied to its series, at most one
-- per series and start (the unique index makes a second planner run harmless).
-- The CHECK on meetings.kind names the kinds, so the table is rebuilt (foreign keys are
-- off while migrations run, see storage/db.py).

CREATE TABLE meeting_series (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('general', 'committee', 'group', 'lecture',
                                                 'party_day', 'study_day', 'org_life',
                                                 'other')),
    group_id       INTEGER REFERENCES party_groups(id),
    nth            INTEGER NOT NULL CHECK (nth BETWEEN 1 AND 5),   -- 5: the last one
    weekday        INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),  -- 1: Monday
    start_time     TEXT NOT NULL,                                 -- HH:MM, branch time
    place          TEXT NOT NULL,
    topic          TEXT NOT NULL,
    created_by_tg  INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    stopped_at     TEXT
);

CREATE TABLE meetings_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('general', 'committee', 'group', 'lecture',
                                                   'party_day', 'study_day', 'org_life',
                                                   'other')),
    topic            TEXT NOT NULL,
    group_id         INTEGER REFERENCES party_groups(id),   -- set for 'group' only
    starts_at        TEXT NOT NULL,                          -- UTC
    ends_at          TEXT NOT NULL,
    place            TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'scheduled'
                     CHECK (status IN ('scheduled', 'open', 'closed', 'cancelled')),
    created_by_tg    INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    card_chat_id     INTEGER,
    card_message_id  INTEGER,
    opened_at        TEXT,
    closed_at        TEXT,
    eve_reminded_at  TEXT,
    soon_reminded_at TEXT,
    series_id        INTEGER REFERENCES meeting_series(id)
);
INSERT INTO meetings_new (id, kind, topic, group_id, starts_at, ends_at, place, status,
                          created_by_tg, created_at, card_chat_id, card_message_id,
                          opened_at, closed_at, eve_reminded_at, soon_reminded_at)
SELECT id, kind, topic, group_id, starts_at, ends_at, place, status, created_by_tg,
       created_at, card_chat_id, card_message_id, opened_at, closed_at, eve_reminded_at,
       soon_reminded_at
FROM meetings;
DROP TABLE meetings;
ALTER TABLE meetings_new RENAME TO meetings;
CREATE INDEX meetings_status ON meetings(status, starts_at);
CREATE UNIQUE INDEX meetings_series_once ON meetings(series_id, starts_at)
    WHERE series_id IS NOT NULL;
