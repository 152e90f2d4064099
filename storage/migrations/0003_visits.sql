-- Visits and care (四必访): the visit log, visit tasks raised by triggers, and members'
-- requests for help. Local calendar dates are "YYYY-MM-DD"; moments are UTC ISO text.

CREATE TABLE visit_tasks (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id),
    kind          TEXT NOT NULL CHECK (kind IN ('节日慰问', '生日祝寿', '住院探望', '困难帮扶',
                                                '日常走访', '电话联系', '善后慰问')),
    trigger_key   TEXT NOT NULL UNIQUE,      -- what raised it, so it is raised once
    assignee_id   INTEGER REFERENCES people(id),   -- the group leader; NULL: the secretary
    due_on        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    done_at       TEXT,
    cancelled_at  TEXT,
    escalated_at  TEXT,
    reminded_on   TEXT
);
CREATE INDEX visit_tasks_open ON visit_tasks(done_at, cancelled_at, due_on);

CREATE TABLE visits (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    kind         TEXT NOT NULL CHECK (kind IN ('节日慰问', '生日祝寿', '住院探望', '困难帮扶',
                                               '日常走访', '电话联系', '善后慰问')),
    visited_on   TEXT NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES people(id),
    companions   TEXT,
    notes        TEXT,
    gifts        TEXT,
    money_yuan   INTEGER CHECK (money_yuan IS NULL OR money_yuan >= 0),
    task_id      INTEGER REFERENCES visit_tasks(id),
    created_at   TEXT NOT NULL
);
CREATE INDEX visits_person ON visits(person_id, visited_on);

CREATE TABLE help_requests (
    id               INTEGER PRIMARY KEY,
    person_id        INTEGER NOT NULL REFERENCES people(id),
    kind             TEXT NOT NULL CHECK (kind IN ('就医', '生活', '其他', '住院')),
    text             TEXT,
    created_at       TEXT NOT NULL,
    acknowledged_by  INTEGER REFERENCES people(id),
    acknowledged_at  TEXT,
    escalated_at     TEXT
);
