-- Suggestions to the branch (建言献策) and good deeds (做好事, volunteer service).

CREATE TABLE suggestions (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    text        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT '新建议'
                CHECK (status IN ('新建议', '已收到', '已处理', '已答复')),
    reply       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE good_deeds (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    text         TEXT NOT NULL,
    done_on      TEXT NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES people(id),
    created_at   TEXT NOT NULL
);
