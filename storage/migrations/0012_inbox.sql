-- Updates received from Telegram and not yet fully handled. Telegram forgets an update
-- once the bot asks for the next ones, which the framework does before handling them;
-- keeping each here until it is handled means a crash in between loses no tap.
CREATE TABLE inbox (
    update_id   INTEGER PRIMARY KEY,
    body        TEXT NOT NULL            -- the update as Telegram sent it (JSON)
);
