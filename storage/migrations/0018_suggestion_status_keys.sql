-- Suggestion statuses are stored as ASCII keys; the words people read (已收到, …) live in
-- bot/texts.py, so rewording one never breaks stored data.

CREATE TABLE suggestions_new (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES people(id),
    text        TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'received', 'done', 'replied')),
    reply       TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
INSERT INTO suggestions_new (id, person_id, text, status, reply, created_at, updated_at)
SELECT id, person_id, text,
       CASE status WHEN '已收到' THEN 'received' WHEN '已处理' THEN 'done'
                   WHEN '已答复' THEN 'replied' ELSE 'new' END,
       reply, created_at, updated_at
FROM suggestions;
DROP TABLE suggestions;
ALTER TABLE suggestions_new RENAME TO suggestions;
UPDATE audit_log
SET detail = replace(replace(replace(detail, ':已收到', ':received'), ':已处理', ':done'),
                     ':已答复', ':replied')
WHERE action = 'suggestion';
