-- A death raises the 善后 checklist (seed 001: 主动上门慰问家属，积极协助办理丧事和其他善后事宜):
-- 慰问家属 ('bereavement', as before), 协助办理丧事 ('funeral') and 遗属帮扶 ('survivor').
-- The two new kinds need the CHECKs rebuilt (foreign keys are off while migrations run).

CREATE TABLE visit_tasks_new (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id),
    kind          TEXT NOT NULL CHECK (kind IN ('holiday', 'birthday', 'hospital', 'hardship',
                                                'routine', 'phone', 'bereavement',
                                                'funeral', 'survivor')),
    trigger_key   TEXT NOT NULL UNIQUE,      -- what raised it, so it is raised once
    assignee_id   INTEGER REFERENCES people(id),   -- the group leader; NULL: the secretary
    due_on        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    done_at       TEXT,
    cancelled_at  TEXT,
    escalated_at  TEXT,
    reminded_on   TEXT
);
INSERT INTO visit_tasks_new (id, person_id, kind, trigger_key, assignee_id, due_on, created_at,
                             done_at, cancelled_at, escalated_at, reminded_on)
SELECT id, person_id, kind,
       trigger_key, assignee_id, due_on, created_at, done_at, cancelled_at, escalated_at,
       reminded_on
FROM visit_tasks;
DROP TABLE visit_tasks;
ALTER TABLE visit_tasks_new RENAME TO visit_tasks;
CREATE INDEX visit_tasks_open ON visit_tasks(done_at, cancelled_at, due_on);

CREATE TABLE visits_new (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    kind         TEXT NOT NULL CHECK (kind IN ('holiday', 'birthday', 'hospital', 'hardship',
                                               'routine', 'phone', 'bereavement',
                                               'funeral', 'survivor')),
    visited_on   TEXT NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES people(id),
    companions   TEXT,
    notes        TEXT,
    gifts        TEXT,
    money_yuan   INTEGER CHECK (money_yuan IS NULL OR money_yuan >= 0),
    task_id      INTEGER REFERENCES visit_tasks(id),
    created_at   TEXT NOT NULL
);
INSERT INTO visits_new (id, person_id, kind, visited_on, recorded_by, companions, notes, gifts,
                        money_yuan, task_id, created_at)
SELECT id, person_id, kind,
       visited_on, recorded_by, companions, notes, gifts, money_yuan, task_id, created_at
FROM visits;
DROP TABLE visits;
ALTER TABLE visits_new RENAME TO visits;
CREATE INDEX visits_person ON visits(person_id, visited_on);

