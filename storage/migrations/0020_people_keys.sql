-- 类别, 政治面貌 and 性别 are stored as ASCII keys (storage/models.py: Category, PartyStatus,
-- Sex); the roster file and the screens keep the words (bot/texts.py). The table is rebuilt
-- for its CHECKs with foreign keys off (storage/db.py), so nothing that points at a person
-- is touched.

CREATE TABLE people_new (
    id              INTEGER PRIMARY KEY,
    ext_id          TEXT NOT NULL UNIQUE,          -- 编号 from the roster file: stable across imports
    name            TEXT NOT NULL,
    group_id        INTEGER REFERENCES party_groups(id) ON DELETE SET NULL,
    category        TEXT NOT NULL CHECK (category IN ('lixiu', 'tuixiu', 'serving')),
    status          TEXT NOT NULL CHECK (status IN ('member', 'probationary', 'other_party',
                                                    'masses')),
    sex             TEXT CHECK (sex IN ('male', 'female')),
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
INSERT INTO people_new (id, ext_id, name, group_id, category, status, sex, birth_date,
                        birth_calendar, birth_leap, joined_party, phone, residence,
                        deceased_on, archived, greet_in_group, notes, tg_user_id, linked_at,
                        created_at, updated_at)
SELECT id, ext_id, name, group_id,
       CASE category WHEN '离休' THEN 'lixiu' WHEN '退休' THEN 'tuixiu' WHEN '在职' THEN 'serving'
       END,
       CASE status WHEN '党员' THEN 'member' WHEN '预备党员' THEN 'probationary'
                   WHEN '民主党派' THEN 'other_party' WHEN '群众' THEN 'masses' END,
       CASE sex WHEN '男' THEN 'male' WHEN '女' THEN 'female' END,
       birth_date, birth_calendar, birth_leap, joined_party, phone, residence, deceased_on,
       archived, greet_in_group, notes, tg_user_id, linked_at, created_at, updated_at
FROM people;
DROP TABLE people;
ALTER TABLE people_new RENAME TO people;
CREATE INDEX people_group ON people(group_id);
CREATE INDEX people_name ON people(name);
