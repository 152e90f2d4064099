-- Who has left the branch group or the committee chat (and not come back): their taps on
-- that chat's buttons are refused, and their leader is told. Cleared when they rejoin.
CREATE TABLE chat_departures (
    kind        TEXT NOT NULL CHECK (kind IN ('group', 'committee')),
    tg_user_id  INTEGER NOT NULL,
    left_at     TEXT NOT NULL,
    PRIMARY KEY (kind, tg_user_id)
);
