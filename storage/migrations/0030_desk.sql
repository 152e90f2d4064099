-- The secretary's desk (bot/web): a one-time login link from /web, then a session cookie.
-- Neither the link's token nor the session id is stored, only their SHA-256: a copy of
-- the database opens no desk.

CREATE TABLE desk_links (
    token_hash  TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,     -- ten minutes after it was made
    used_at     TEXT               -- single use
);

CREATE TABLE desk_sessions (
    id_hash     TEXT PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    roles       TEXT NOT NULL,     -- the roles it began with; any change ends it
    csrf        TEXT NOT NULL,     -- every form sends it back
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,     -- eight hours after it began
    ended_at    TEXT               -- logout, a role change, or the person unlinked
);
CREATE INDEX desk_sessions_person ON desk_sessions(person_id);

-- The key that signs the session cookie, made once (a restart keeps sessions).
CREATE TABLE desk_key (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    key  TEXT NOT NULL
);
