-- Kinds, flags, reasons and methods are stored as ASCII keys (storage/models.py); the words
-- people read live in bot/texts.py, so rewording a label never breaks stored data. Tables
-- whose CHECK named the words are rebuilt (foreign keys are off while migrations run, see
-- storage/db.py, so rebuilding `meetings` does not cascade into attendance).

CREATE TABLE care_flags_new (
    person_id  INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    flag       TEXT NOT NULL CHECK (flag IN ('ill', 'alone', 'frail', 'hardship', 'hospital')),
    since      TEXT,
    PRIMARY KEY (person_id, flag)
);
INSERT INTO care_flags_new (person_id, flag, since)
SELECT person_id,
       CASE flag WHEN '患病' THEN 'ill' WHEN '独居' THEN 'alone' WHEN '行动不便' THEN 'frail'
                 WHEN '困难' THEN 'hardship' WHEN '住院中' THEN 'hospital' END,
       since
FROM care_flags;
DROP TABLE care_flags;
ALTER TABLE care_flags_new RENAME TO care_flags;

CREATE TABLE meetings_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('general', 'committee', 'group', 'lecture',
                                                   'party_day', 'study_day', 'other')),
    topic            TEXT NOT NULL,
    group_id         INTEGER REFERENCES party_groups(id),   -- set for 'group' only
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
INSERT INTO meetings_new (id, kind, topic, group_id, starts_at, ends_at, place, status,
                          created_by_tg, created_at, card_chat_id, card_message_id,
                          opened_at, closed_at, eve_reminded_at, soon_reminded_at)
SELECT id,
       CASE kind WHEN '支部党员大会' THEN 'general' WHEN '支委会' THEN 'committee'
                 WHEN '党小组会' THEN 'group' WHEN '党课' THEN 'lecture'
                 WHEN '主题党日' THEN 'party_day' WHEN '学习活动日' THEN 'study_day'
                 WHEN '其他' THEN 'other' END,
       topic, group_id, starts_at, ends_at, place, status, created_by_tg, created_at,
       card_chat_id, card_message_id, opened_at, closed_at, eve_reminded_at, soon_reminded_at
FROM meetings;
DROP TABLE meetings;
ALTER TABLE meetings_new RENAME TO meetings;
CREATE INDEX meetings_status ON meetings(status, starts_at);

UPDATE attendance
SET reason = CASE reason WHEN '生病' THEN 'ill' WHEN '住院' THEN 'hospital' WHEN '外出' THEN 'away'
                         WHEN '家中有事' THEN 'family' WHEN '其他' THEN 'other' ELSE reason END
WHERE reason IS NOT NULL;

CREATE TABLE makeups_new (
    id           INTEGER PRIMARY KEY,
    meeting_id   INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    assignee_id  INTEGER REFERENCES people(id),       -- the group leader; NULL: the secretary
    method       TEXT CHECK (method IN ('home', 'phone', 'self')),
    done_on      TEXT,
    recorded_by  INTEGER REFERENCES people(id),
    created_at   TEXT NOT NULL,
    UNIQUE (meeting_id, person_id)
);
INSERT INTO makeups_new (id, meeting_id, person_id, assignee_id, method, done_on,
                         recorded_by, created_at)
SELECT id, meeting_id, person_id, assignee_id,
       CASE method WHEN '送学上门' THEN 'home' WHEN '电话传达' THEN 'phone'
                   WHEN '自学' THEN 'self' END,
       done_on, recorded_by, created_at
FROM makeups;
DROP TABLE makeups;
ALTER TABLE makeups_new RENAME TO makeups;
CREATE INDEX makeups_open ON makeups(done_on, assignee_id);

CREATE TABLE visit_tasks_new (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id),
    kind          TEXT NOT NULL CHECK (kind IN ('holiday', 'birthday', 'hospital', 'hardship',
                                                'routine', 'phone', 'bereavement')),
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
SELECT id, person_id,
       CASE kind WHEN '节日慰问' THEN 'holiday' WHEN '生日祝寿' THEN 'birthday'
                 WHEN '住院探望' THEN 'hospital' WHEN '困难帮扶' THEN 'hardship'
                 WHEN '日常走访' THEN 'routine' WHEN '电话联系' THEN 'phone'
                 WHEN '善后慰问' THEN 'bereavement' END,
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
                                               'routine', 'phone', 'bereavement')),
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
SELECT id, person_id,
       CASE kind WHEN '节日慰问' THEN 'holiday' WHEN '生日祝寿' THEN 'birthday'
                 WHEN '住院探望' THEN 'hospital' WHEN '困难帮扶' THEN 'hardship'
                 WHEN '日常走访' THEN 'routine' WHEN '电话联系' THEN 'phone'
                 WHEN '善后慰问' THEN 'bereavement' END,
       visited_on, recorded_by, companions, notes, gifts, money_yuan, task_id, created_at
FROM visits;
DROP TABLE visits;
ALTER TABLE visits_new RENAME TO visits;
CREATE INDEX visits_person ON visits(person_id, visited_on);

CREATE TABLE help_requests_new (
    id               INTEGER PRIMARY KEY,
    person_id        INTEGER NOT NULL REFERENCES people(id),
    kind             TEXT NOT NULL CHECK (kind IN ('medical', 'daily', 'other', 'hospital')),
    text             TEXT,
    created_at       TEXT NOT NULL,
    acknowledged_by  INTEGER REFERENCES people(id),
    acknowledged_at  TEXT,
    escalated_at     TEXT
);
INSERT INTO help_requests_new (id, person_id, kind, text, created_at, acknowledged_by,
                               acknowledged_at, escalated_at)
SELECT id, person_id,
       CASE kind WHEN '就医' THEN 'medical' WHEN '生活' THEN 'daily' WHEN '其他' THEN 'other'
                 WHEN '住院' THEN 'hospital' END,
       text, created_at, acknowledged_by, acknowledged_at, escalated_at
FROM help_requests;
DROP TABLE help_requests;
ALTER TABLE help_requests_new RENAME TO help_requests;

UPDATE post_acks
SET how = CASE how WHEN '电话已告知' THEN 'phone' WHEN '电话传达' THEN 'phone'
                   WHEN '上门告知' THEN 'door' WHEN '送学上门' THEN 'door' ELSE how END;

UPDATE weather_warnings
SET kind = CASE kind WHEN '高温' THEN 'heat' WHEN '寒潮' THEN 'cold_wave' WHEN '严寒' THEN 'freeze'
                     WHEN '大风' THEN 'wind' WHEN '暴雨' THEN 'rain' WHEN '冻雨' THEN 'sleet'
                     WHEN '雪' THEN 'snow' WHEN '大雾' THEN 'fog' ELSE kind END;

-- The audit trail names the same things: one key per word, in the actions that carry them.
UPDATE audit_log
SET detail = replace(replace(replace(replace(replace(detail,
             '患病', 'ill'), '独居', 'alone'), '行动不便', 'frail'), '困难', 'hardship'),
             '住院中', 'hospital')
WHERE action IN ('flag+', 'flag-');
UPDATE audit_log
SET detail = replace(replace(replace(replace(replace(replace(replace(detail,
             '节日慰问', 'holiday'), '生日祝寿', 'birthday'), '住院探望', 'hospital'),
             '困难帮扶', 'hardship'), '日常走访', 'routine'), '电话联系', 'phone'),
             '善后慰问', 'bereavement')
WHERE action IN ('task+', 'visit');
UPDATE audit_log
SET detail = replace(replace(replace(replace(detail, '就医', 'medical'), '生活', 'daily'),
             '其他', 'other'), '住院', 'hospital')
WHERE action = 'help';
UPDATE audit_log
SET detail = replace(replace(replace(detail, ':送学上门', ':home'), ':电话传达', ':phone'),
             ':自学', ':self')
WHERE action = 'makeup';
UPDATE audit_log
SET detail = replace(replace(replace(replace(detail, ' 电话已告知 ', ' phone '),
             ' 电话传达 ', ' phone '), ' 上门告知 ', ' door '), ' 送学上门 ', ' door ')
WHERE action = 'ack';
