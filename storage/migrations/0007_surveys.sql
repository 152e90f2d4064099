-- Anonymous surveys (满意度测评). Anonymity is kept by what is NOT stored: who voted is
-- kept (to allow one answer each) but not when or in what order, and no table links a
-- voter to an answer. Choices are kept only as running totals; comments under a random
-- key, so not even their order says anything. The WITHOUT ROWID tables have no hidden
-- insertion order either.

CREATE TABLE surveys (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    questions      TEXT NOT NULL,          -- JSON: [[question, [choice, ...]], ...]
    comments       INTEGER NOT NULL DEFAULT 0 CHECK (comments IN (0, 1)),
    status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by_tg  INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    closed_at      TEXT
);

CREATE TABLE survey_voters (
    survey_id  INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (survey_id, person_id)
) WITHOUT ROWID;

CREATE TABLE survey_tallies (
    survey_id  INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    question   INTEGER NOT NULL,
    choice     INTEGER NOT NULL,
    votes      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (survey_id, question, choice)
) WITHOUT ROWID;

CREATE TABLE survey_comments (
    survey_id  INTEGER NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
    shuffle    TEXT NOT NULL,              -- random: orders comments by nothing
    text       TEXT NOT NULL,
    PRIMARY KEY (survey_id, shuffle)
) WITHOUT ROWID;
