-- Roster: 党小组, people, roles, care flags, account links, chats, audit.
-- Times are ISO-8601 text in UTC ("2026-11-22T01:50:00+00:00"); calendar dates are
-- plain "YYYY-MM-DD" (birthdays may be lunar, see birth_calendar).

CREATE TABLE party_groups (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    leader_id  INTEGER REFERENCES people(id) ON DELETE SET NULL,
    sort       INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE people (
    id              INTEGER PRIMARY KEY,
    ext_id          TEXT NOT NULL UNIQUE,          -- 编号 from the roster file: stable across imports
    name            TEXT NOT NULL,
    group_id        INTEGER REFERENCES party_groups(id) ON DELETE SET NULL,
    category        TEXT NOT NULL CHECK (category IN ('离休', '退休', '在职')),
    status          TEXT NOT NULL CHECK (status IN ('党员', '预备党员', '民主党派', '群众')),
    sex             TEXT CHECK (sex IN ('男', '女')),
    birth_date      TEXT,                           -- YYYY-MM-DD in birth_calendar
    birth_calendar  TEXT NOT NULL DEFAULT 'solar' CHECK (birth_calendar IN ('solar', 'lunar')),
    birth_leap      INTEGER NOT NULL DEFAULT 0 CHECK (birth_leap IN (0, 1)),
    joined_party    TEXT,
    phone           TEXT,
    residence       TEXT,
    deceased_on     TEXT,                           -- NULL while alive
    archived        INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    greet_in_group  INTEGER NOT NULL DEFAULT 0 CHECK (greet_in_group IN (0, 1)),
    notes           TEXT,
    tg_user_id      INTEGER UNIQUE,
    linked_at       TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX people_group ON people(group_id);
CREATE INDEX people_name ON people(name);

CREATE TABLE care_flags (
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    flag       TEXT NOT NULL CHECK (flag IN ('患病', '独居', '行动不便', '困难', '住院中')),
    since      TEXT,
    PRIMARY KEY (person_id, flag)
);

-- Group leaders are party_groups.leader_id; these are the other roles.
CREATE TABLE person_roles (
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('secretary', 'committee', 'liaison')),
    PRIMARY KEY (person_id, role)
);

-- Single-use deep links; only a hash of the token is kept.
CREATE TABLE invites (
    token_hash     TEXT PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    created_by_tg  INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    expires_at     TEXT NOT NULL,
    used_at        TEXT,
    used_by_tg     INTEGER
);

-- Current chat ids when Telegram has moved a chat (group upgraded to supergroup).
CREATE TABLE chat_ids (
    kind        TEXT PRIMARY KEY CHECK (kind IN ('group', 'committee')),
    chat_id     INTEGER NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    actor_tg        INTEGER,
    action          TEXT NOT NULL,
    subject_person  INTEGER,
    detail          TEXT
);
