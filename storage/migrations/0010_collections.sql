-- Collections (信息统计): a few questions to an audience, answered in private chat or
-- filled in by the person's leader, changeable until the deadline.

CREATE TABLE collections (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    questions      TEXT NOT NULL,        -- JSON: [[text, kind, [choices]], ...]
    audience       TEXT NOT NULL CHECK (audience IN ('everyone', 'party', 'group')),
    group_id       INTEGER REFERENCES party_groups(id),
    deadline       TEXT NOT NULL,        -- local date, inclusive
    created_by_tg  INTEGER NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE collection_answers (
    collection_id  INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    person_id      INTEGER NOT NULL REFERENCES people(id),
    answers        TEXT NOT NULL,        -- JSON list, one per question
    recorded_by    INTEGER NOT NULL REFERENCES people(id),
    at             TEXT NOT NULL,
    PRIMARY KEY (collection_id, person_id)
);
