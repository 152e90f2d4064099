-- The leader's phone round (电话转达): what the bot sends members directly reaches each
-- member without a linked account through his leader, who records how it went.
-- `direct` counts the audience the bot reached itself, so coverage is one sum.

CREATE TABLE rounds (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,   -- what was passed on, e.g. holiday:chunjie:2027-02-06
    kind        TEXT NOT NULL CHECK (kind IN ('meeting', 'holiday', 'birthday', 'anniversary',
                                              'weather', 'safe')),
    what        TEXT NOT NULL,          -- the message to pass on, as the bot sent it
    direct      INTEGER NOT NULL CHECK (direct >= 0),
    told_at     TEXT,                   -- when the leaders were sent their lists
    created_at  TEXT NOT NULL
);

CREATE TABLE round_calls (
    round_id     INTEGER NOT NULL REFERENCES rounds(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    assignee_id  INTEGER REFERENCES people(id),   -- his leader; NULL: the secretary
    outcome      TEXT CHECK (outcome IN ('phone', 'door', 'unreached')),
    recorded_by  INTEGER REFERENCES people(id),   -- who made the call (on whose behalf: person_id)
    at           TEXT,
    PRIMARY KEY (round_id, person_id)
);
CREATE INDEX round_calls_assignee ON round_calls(assignee_id, outcome);
