"""Who may use the desk (bot/web) and for how long: the branch's rule for logging in.

`/web` in a private chat gives a link that works once, for ten minutes; only its SHA-256
is stored. Opening it (a button on the page: a link preview or a mail scanner fetching the
address must not use it up) begins a session of eight hours: a random id in a signed,
HttpOnly, SameSite=Strict cookie, its hash in the database with the roles the person had.
A session ends on logout, at its time, when the person is no longer linked or active, and
when his roles change (a leader who steps down does not keep his group's pages). What a
session may see is the bot's own rule: the `Actor` from `AccessService`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.clock import BranchTime, Clock, iso
from bot.services.access import AccessService, Actor
from storage.desk import DeskRepo
from storage.people import PeopleRepo

LINK_LIFE = timedelta(minutes=10)
SESSION_LIFE = timedelta(hours=8)


class LinkOutcome(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"        # no such link (mistyped, or from another bot)
    USED = "used"
    EXPIRED = "expired"
    NOT_LINKED = "not_linked"  # the person left, or his account was unlinked


@dataclass(frozen=True)
class DeskSession:
    actor: Actor
    csrf: str
    id_hash: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def roles_key(actor: Actor) -> str:
    """What a session remembers of its person's roles; any difference ends it."""
    return ",".join(sorted(actor.roles)) + "|" + ",".join(map(str, sorted(actor.led_group_ids)))


class DeskService(BranchTime):
    def __init__(self, repo: DeskRepo, access: AccessService, people: PeopleRepo,
                 clock: Clock, tz: ZoneInfo) -> None:
        super().__init__(clock, tz)
        self.repo = repo
        self.access = access
        self.people = people
        self._key: bytes | None = None  # read (made, the first time) once, then kept

    async def issue(self, actor: Actor) -> str | None:
        """A one-time login token for a linked person (None for anybody else)."""
        if actor.person is None:
            return None
        token = secrets.token_urlsafe(24)
        now = self.now()
        await self.repo.add_link(_hash(token), actor.person.id, iso(now), iso(now + LINK_LIFE))
        return token

    async def _current(self, person_id: int) -> Actor | None:
        person = await self.people.get(person_id)
        if person is None or not person.active or person.tg_user_id is None:
            return None
        actor = await self.access.actor(person.tg_user_id)
        return actor if actor.person is not None else None

    async def redeem(self, token: str) -> tuple[LinkOutcome, str | None]:
        """Use a login link: the outcome and, when it worked, the cookie's value."""
        link = await self.repo.link(_hash(token)) if token else None
        now = self.now()
        if link is None:
            return LinkOutcome.UNKNOWN, None
        if link["used_at"] is not None:
            return LinkOutcome.USED, None
        if link["expires_at"] <= iso(now):
            return LinkOutcome.EXPIRED, None
        actor = await self._current(int(link["person_id"]))
        if actor is None:
            return LinkOutcome.NOT_LINKED, None
        session_id = secrets.token_urlsafe(32)
        made = await self.repo.redeem(_hash(token), iso(now), _hash(session_id), roles_key(actor),
                                      secrets.token_urlsafe(24), iso(now + SESSION_LIFE),
                                      actor.tg_user_id)
        if made is None:  # used by a second tap at the same moment
            return LinkOutcome.USED, None
        return LinkOutcome.OK, await self._sign(session_id)

    async def _sign(self, session_id: str) -> str:
        if self._key is None:
            self._key = (await self.repo.key()).encode()
        mac = hmac.new(self._key, session_id.encode(), "sha256")
        return f"{session_id}.{mac.hexdigest()}"

    async def _unsign(self, cookie: str) -> str | None:
        session_id, _, _ = cookie.rpartition(".")
        if not session_id or not hmac.compare_digest((await self._sign(session_id)).encode(),
                                                     cookie.encode()):
            return None
        return session_id

    async def session(self, cookie: str | None) -> DeskSession | None:
        """The live session a cookie names, or None (and a session found stale ends)."""
        session_id = await self._unsign(cookie) if cookie else None
        if session_id is None:
            return None
        id_hash = _hash(session_id)
        row = await self.repo.session(id_hash)
        if row is None or row.ended_at is not None:
            return None
        if row.expires_at <= iso(self.now()):
            await self.repo.end(id_hash, iso(self.now()), "expired", None)
            return None
        actor = await self._current(row.person_id)
        if actor is None or roles_key(actor) != row.roles:
            await self.repo.end(id_hash, iso(self.now()), "roles_changed", None)
            return None
        return DeskSession(actor, row.csrf, id_hash)

    async def logout(self, session: DeskSession) -> None:
        await self.repo.end(session.id_hash, iso(self.now()), "logout",
                            session.actor.tg_user_id)

    @staticmethod
    def csrf_ok(session: DeskSession, sent: str | None) -> bool:
        return bool(sent) and hmac.compare_digest(session.csrf.encode(), (sent or "").encode())
