-- Party dues (党费): the monthly amount per member, payments covering months, and what
-- the branch spent. Money in fen (1/100 yuan) so sums are exact.

CREATE TABLE dues_rates (
    person_id     INTEGER PRIMARY KEY REFERENCES people(id),
    monthly_fen   INTEGER NOT NULL CHECK (monthly_fen >= 0),
    updated_at    TEXT NOT NULL
);

CREATE TABLE dues_payments (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL REFERENCES people(id),
    paid_on       TEXT NOT NULL,
    month_from    TEXT NOT NULL,           -- YYYY-MM
    month_to      TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    method        TEXT NOT NULL,
    recorded_by   INTEGER NOT NULL REFERENCES people(id),
    created_at    TEXT NOT NULL
);
CREATE INDEX dues_payments_person ON dues_payments(person_id);

CREATE TABLE dues_spending (
    id            INTEGER PRIMARY KEY,
    spent_on      TEXT NOT NULL,
    amount_fen    INTEGER NOT NULL CHECK (amount_fen > 0),
    purpose       TEXT NOT NULL,
    approved_by   TEXT NOT NULL,
    recorded_by   INTEGER NOT NULL REFERENCES people(id),
    created_at    TEXT NOT NULL
);
