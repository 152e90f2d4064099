-- An erased member's dues payments stay in the branch's ledger, so the year's statement
-- still adds up, but no longer name him: dues_payments.person_id may now be NULL.

CREATE TABLE dues_payments_new (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER REFERENCES people(id),
    paid_on       TEXT NOT NULL,
    month_from    TEXT NOT NULL,           -- YYYY-MM
    month_to      TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    method        TEXT NOT NULL,
    recorded_by   INTEGER NOT NULL REFERENCES people(id),
    created_at    TEXT NOT NULL
);
INSERT INTO dues_payments_new SELECT * FROM dues_payments;
DROP TABLE dues_payments;
ALTER TABLE dues_payments_new RENAME TO dues_payments;
CREATE INDEX dues_payments_person ON dues_payments(person_id);
