"""One person's data (/export, /erase), updates not to be kept on disk, and the audit
trail (/audit), behind a service so handlers never reach the database. The list of what
names a person is `storage.privacy.PERSON_DATA`."""

from __future__ import annotations

from typing import Any

from bot.clock import Clock, iso
from bot.services.access import Actor
from bot.services.problems import Problem, ServiceError
from storage import audit, privacy
from storage.db import Database
from storage.models import Person


class PrivacyService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def leave_no_trace(self) -> None:
        """The update being handled carries what the bot promises not to keep (an
        anonymous vote, a shared phone number): wipe it from the files once handled
        (storage/db.py, "Leaving no trace")."""
        self.db.leave_no_trace()

    async def export(self, person: Person) -> dict[str, Any]:
        return await privacy.export_person(self.db, person.id)

    async def erase(self, actor: Actor, person: Person) -> None:
        """The secretary only: the command is guarded, and a forged button is checked here."""
        if not actor.is_secretary:
            raise ServiceError(Problem.NOT_ALLOWED)
        await privacy.erase_person(self.db, person.id, at=iso(self.clock.now()),
                                   actor_tg=actor.tg_user_id)

    async def audit_trail(self, limit: int) -> list[dict[str, object]]:
        return await audit.recent(self.db, limit)
