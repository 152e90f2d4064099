-- A post Telegram refused for good (400 "not enough rights", "chat not found", 403): it
-- is not retried, and its sender is told once. NULL while it may still be sent.
ALTER TABLE posts ADD COLUMN failed_at TEXT;
