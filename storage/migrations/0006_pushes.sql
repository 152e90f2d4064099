-- Scheduled pushes: one row per push ever sent or skipped, keyed by kind + target + date,
-- so a restart never sends anything twice. Weather warnings in force, 「我平安」 taps, and
-- small facts the scheduler keeps between days.

CREATE TABLE pushes (
    key     TEXT PRIMARY KEY,            -- e.g. "holiday:chongyang:2026-10-18"
    kind    TEXT NOT NULL,
    day     TEXT NOT NULL,               -- local date it belongs to
    status  TEXT NOT NULL CHECK (status IN ('sent', 'skipped', 'failed')),
    at      TEXT NOT NULL,
    message_chat_id INTEGER,
    message_id      INTEGER
);

CREATE TABLE weather_warnings (
    kind      TEXT PRIMARY KEY,          -- 高温, 寒潮, ...
    last_day  TEXT NOT NULL              -- the last day it was in force and announced
);

CREATE TABLE safe_taps (
    push_key   TEXT NOT NULL REFERENCES pushes(key),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    at         TEXT NOT NULL,
    PRIMARY KEY (push_key, person_id)
);

CREATE TABLE scheduler_state (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
