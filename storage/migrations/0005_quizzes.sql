-- Quizzes (知识答题): imported question banks, taken in private chat as Telegram quiz polls.

CREATE TABLE quizzes (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    pass_percent   INTEGER NOT NULL DEFAULT 60 CHECK (pass_percent BETWEEN 0 AND 100),
    retakes        INTEGER NOT NULL DEFAULT 0 CHECK (retakes IN (0, 1)),
    created_by_tg  INTEGER NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE quiz_questions (
    id           INTEGER PRIMARY KEY,
    quiz_id      INTEGER NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    question     TEXT NOT NULL,
    options      TEXT NOT NULL,          -- JSON array of 2 to 6 strings
    answer       INTEGER NOT NULL,       -- index into options
    explanation  TEXT,
    UNIQUE (quiz_id, position)
);

CREATE TABLE quiz_attempts (
    id           INTEGER PRIMARY KEY,
    quiz_id      INTEGER NOT NULL REFERENCES quizzes(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    position     INTEGER NOT NULL DEFAULT 0,   -- the question being asked
    poll_id      TEXT UNIQUE,                  -- the poll that asks it
    score        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX quiz_attempts_person ON quiz_attempts(quiz_id, person_id);

CREATE TABLE quiz_answers (
    attempt_id   INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    option       INTEGER NOT NULL,
    correct      INTEGER NOT NULL CHECK (correct IN (0, 1)),
    PRIMARY KEY (attempt_id, position)
);
