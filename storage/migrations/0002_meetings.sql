-- Meetings, attendance and make-up (补课) tasks.

CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('支部党员大会', '支委会', '党小组会', '党课',
                                                   '主题党日', '学习活动日', '其他')),
    topic            TEXT NOT NULL,
    group_id         INTEGER REFERENCES party_groups(id),   -- set for 党小组会 only
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
    soon_reminded_at TEXT
);
CREATE INDEX meetings_status ON meetings(status, starts_at);

-- One row per person per meeting. Rows for 'absent' are written when the meeting closes.
CREATE TABLE attendance (
    meeting_id       INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id        INTEGER NOT NULL REFERENCES people(id),
    status           TEXT NOT NULL CHECK (status IN ('present', 'excused', 'absent')),
    reason           TEXT,        -- leave reason; private, never shown in a group
    recorded_by      INTEGER REFERENCES people(id),   -- NULL: the person himself
    at               TEXT NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);
CREATE INDEX attendance_person ON attendance(person_id);

CREATE TABLE makeups (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    assignee_id  INTEGER REFERENCES people(id),       -- the group leader; NULL: the secretary
    method       TEXT CHECK (method IN ('送学上门', '电话传达', '自学')),
    done_on      TEXT,
    recorded_by  INTEGER REFERENCES people(id),
    created_at   TEXT NOT NULL,
    UNIQUE (meeting_id, person_id)
);
CREATE INDEX makeups_open ON makeups(done_on, assignee_id);
