"""What the scheduler has done: pushes claimed, sent and confirmed, weather warnings in
force, 「我平安」 taps, and a few facts kept between days."""

from __future__ import annotations

from storage.db import Database


class PushRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(self, key: str, kind: str, day: str, at: str,
                    status: str = "sent") -> bool:
        """Take a push for sending (or mark it skipped); False if it was already taken.
        A push taken for sending stays `sending` until `confirm`: no second job takes it
        meanwhile, and a crash before the confirmation is found by `interrupted`."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "INSERT OR IGNORE INTO pushes (key, kind, day, status, at, sending) "
                "VALUES (?, ?, ?, ?, ?, ?)", (key, kind, day, status, at, status == "sent"))
        return changed == 1

    async def confirm(self, key: str) -> None:
        """The push went out."""
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE pushes SET sending = 0 WHERE key = ?", (key,))

    async def release(self, key: str) -> None:
        """Give a claimed push back after a failure, so a retry can take it."""
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM pushes WHERE key = ? AND sending = 1", (key,))

    async def interrupted(self) -> list[str]:
        """At start-up: give back the pushes a crash left unconfirmed, so today's plan
        sends them again. A severe-weather push someone already answered 「我平安」 to
        evidently went out and is confirmed instead. Returns the keys given back."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE pushes SET sending = 0 WHERE sending = 1 "
                "AND key IN (SELECT push_key FROM safe_taps)")
            rows = await tx.fetchall("SELECT key FROM pushes WHERE sending = 1")
            await tx.execute("DELETE FROM pushes WHERE sending = 1")
        return [r["key"] for r in rows]

    async def done(self, key: str) -> str | None:
        row = await self.db.fetchone("SELECT status FROM pushes WHERE key = ?", (key,))
        return row["status"] if row else None

    async def set_message(self, key: str, chat_id: int, message_id: int) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE pushes SET message_chat_id = ?, message_id = ? "
                             "WHERE key = ?", (chat_id, message_id, key))

    async def sent_between(self, first_day: str, last_day: str) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT key FROM pushes WHERE day >= ? AND day <= ? AND status = 'sent' "
            "AND sending = 0",
            (first_day, last_day))
        return [r["key"] for r in rows]

    # -- weather ------------------------------------------------------------------------

    async def warnings_in_force(self) -> dict[str, str]:
        rows = await self.db.fetchall("SELECT kind, last_day FROM weather_warnings")
        return {r["kind"]: r["last_day"] for r in rows}

    async def warned(self, kinds: list[str], day: str) -> None:
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO weather_warnings (kind, last_day) VALUES (?, ?) "
                "ON CONFLICT (kind) DO UPDATE SET last_day = excluded.last_day",
                [(k, day) for k in kinds])

    async def tap_safe(self, key: str, person_id: int, at: str) -> bool:
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "INSERT OR IGNORE INTO safe_taps (push_key, person_id, at) VALUES (?, ?, ?)",
                (key, person_id, at))
        return changed == 1

    async def safe_people(self, key: str) -> set[int]:
        rows = await self.db.fetchall("SELECT person_id FROM safe_taps WHERE push_key = ?",
                                      (key,))
        return {r["person_id"] for r in rows}

    # -- state --------------------------------------------------------------------------

    async def get_state(self, key: str) -> str | None:
        row = await self.db.fetchone("SELECT value FROM scheduler_state WHERE key = ?", (key,))
        return row["value"] if row else None

    async def set_state(self, key: str, value: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO scheduler_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))
