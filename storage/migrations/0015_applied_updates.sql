-- Updates whose effect is in the database. Every write a handler makes while handling an
-- update adds the update's id here in the same transaction (storage/db.py), so an update
-- replayed after a crash or a stop (from the inbox, or delivered again by Telegram) is
-- recognised and not applied twice: a /dues payment is recorded once, whatever happens.
-- `at` (Unix seconds) lets old records go: Telegram redelivers for a day at most, and
-- after a week without updates it may start numbering anywhere, old ids included.
CREATE TABLE applied_updates (
    update_id   INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER))
);
