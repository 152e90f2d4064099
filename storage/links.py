"""Single-use invite links that bind a Telegram account to a person.

Only a SHA-256 of each token is stored, so a leaked database cannot be used to take over
an invite. Redeeming checks and spends the token and links the account in one transaction.
"""

from __future__ import annotations

import hashlib

from storage import audit
from storage.db import Database
from storage.models import InviteUse
from storage.people import PeopleRepo


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class InviteRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, token: str, person_id: int, *, created_by_tg: int, at: str, expires_at: str
    ) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO invites (token_hash, person_id, created_by_tg, created_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?)",
                (_hash(token), person_id, created_by_tg, at, expires_at),
            )
            await audit.record(
                tx, at=at, actor_tg=created_by_tg, action="invite", subject_person=person_id
            )

    async def redeem(self, token: str, tg_user_id: int, *, at: str) -> InviteUse:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT * FROM invites WHERE token_hash = ?", (_hash(token),)
            )
            if row is None:
                return InviteUse("unknown")
            if row["used_at"] is not None:
                # The same account tapping its own link again is harmless.
                same = row["used_by_tg"] == tg_user_id
                outcome = "already_yours" if same else "used"
                return InviteUse(outcome, row["person_id"])
            if row["expires_at"] <= at:
                return InviteUse("expired")
            holder = await tx.fetchone(
                "SELECT id FROM people WHERE tg_user_id = ?", (tg_user_id,)
            )
            if holder is not None and holder["id"] != row["person_id"]:
                return InviteUse("account_taken", holder["id"])
            await tx.execute(
                "UPDATE invites SET used_at = ?, used_by_tg = ? WHERE token_hash = ?",
                (at, tg_user_id, row["token_hash"]),
            )
            await PeopleRepo._link(tx, row["person_id"], tg_user_id, at=at)
            await audit.record(
                tx,
                at=at,
                actor_tg=tg_user_id,
                action="link",
                subject_person=row["person_id"],
                detail="invite",
            )
        return InviteUse("linked", row["person_id"])
