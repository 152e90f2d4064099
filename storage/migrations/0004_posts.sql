-- Posts: notices (通知) and study material (学习资料). Both go to an audience, are
-- acknowledged (👍 收到 / 📖 已学习), and are followed up by leaders for whoever was not
-- reached. Private fan-out keeps one row per recipient so a restart resumes it.

CREATE TABLE posts (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT NOT NULL CHECK (kind IN ('notice', 'study')),
    title                TEXT NOT NULL,
    body                 TEXT NOT NULL,
    file_id              TEXT,
    file_kind            TEXT CHECK (file_kind IN ('document', 'photo')),
    audience             TEXT NOT NULL CHECK (audience IN ('group', 'committee', 'members',
                                                           'party_group')),
    group_id             INTEGER REFERENCES party_groups(id),
    receipt              INTEGER NOT NULL DEFAULT 0 CHECK (receipt IN (0, 1)),
    due_on               TEXT,
    created_by           INTEGER REFERENCES people(id),
    created_by_tg        INTEGER NOT NULL,
    created_at           TEXT NOT NULL,
    send_at              TEXT NOT NULL,
    status               TEXT NOT NULL DEFAULT 'scheduled'
                         CHECK (status IN ('scheduled', 'sending', 'sent', 'withdrawn')),
    chat_id              INTEGER,          -- where a group or committee post went
    message_id           INTEGER,
    progress_chat_id     INTEGER,
    progress_message_id  INTEGER,
    followed_up_at       TEXT,
    reminded_at          TEXT
);

CREATE TABLE post_deliveries (
    post_id     INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    state       TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'unreachable', 'unlinked')),
    message_id  INTEGER,
    at          TEXT,
    PRIMARY KEY (post_id, person_id)
);

CREATE TABLE post_acks (
    post_id      INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    how          TEXT NOT NULL,           -- 'self', or how a leader passed it on
    recorded_by  INTEGER REFERENCES people(id),
    at           TEXT NOT NULL,
    PRIMARY KEY (post_id, person_id)
);

CREATE TABLE reflections (
    post_id      INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    text         TEXT,
    voice_file_id TEXT,
    at           TEXT NOT NULL,
    PRIMARY KEY (post_id, person_id)
);
