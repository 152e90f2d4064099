"""Binding Telegram accounts to people in the roster.

Two ways in: a single-use invite deep link made by the secretary or a leader
(`/start bind_<token>`), or the member sharing his own phone number, which must match
exactly one person in the roster. Both refuse rather than guess.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.clock import Clock, iso
from bot.services.people import normalize_phone
from storage.links import InviteRepo
from storage.models import Person
from storage.people import PeopleRepo

INVITE_PREFIX = "bind_"


class ContactOutcome(StrEnum):
    LINKED = "linked"
    ALREADY = "already"          # this account is already this person's
    NOT_OWN = "not_own"          # a contact card of somebody else
    NO_MATCH = "no_match"
    AMBIGUOUS = "ambiguous"      # several people share the number (e.g. a home phone)
    TAKEN = "taken"              # the person is linked to another account
    ACCOUNT_TAKEN = "account_taken"  # this account belongs to another person


@dataclass(frozen=True)
class Invite:
    token: str
    person: Person
    expires_at: datetime

    @property
    def payload(self) -> str:
        return INVITE_PREFIX + self.token


@dataclass(frozen=True)
class LinkResult:
    outcome: str
    person: Person | None = None


class LinkingService:
    def __init__(
        self, people: PeopleRepo, invites: InviteRepo, clock: Clock, invite_days: int
    ) -> None:
        self.people = people
        self.invites = invites
        self.clock = clock
        self.invite_days = invite_days

    async def create_invite(self, person: Person, *, by_tg: int) -> Invite:
        # 16 random bytes -> 22 URL-safe characters; deep-link payloads allow 64.
        token = secrets.token_urlsafe(16)
        now = self.clock.now()
        expires = now + timedelta(days=self.invite_days)
        await self.invites.create(
            token, person.id, created_by_tg=by_tg, at=iso(now), expires_at=iso(expires)
        )
        return Invite(token, person, expires)

    async def redeem(self, payload: str, tg_user_id: int) -> LinkResult:
        token = payload.removeprefix(INVITE_PREFIX)
        used = await self.invites.redeem(token, tg_user_id, at=iso(self.clock.now()))
        person = await self.people.get(used.person_id) if used.person_id else None
        return LinkResult(used.outcome, person)

    async def link_by_contact(
        self, tg_user_id: int, contact_user_id: int | None, phone: str
    ) -> LinkResult:
        if contact_user_id != tg_user_id:
            return LinkResult(ContactOutcome.NOT_OWN)
        digits = normalize_phone(phone)
        matches = [p for p in await self.people.by_phone(digits) if p.active] if digits else []
        if not matches:
            return LinkResult(ContactOutcome.NO_MATCH)
        if len(matches) > 1:
            return LinkResult(ContactOutcome.AMBIGUOUS)
        person = matches[0]
        if person.tg_user_id == tg_user_id:
            return LinkResult(ContactOutcome.ALREADY, person)
        if person.tg_user_id is not None:
            return LinkResult(ContactOutcome.TAKEN, person)
        current = await self.people.by_tg_user(tg_user_id)
        if current is not None and current.active:
            return LinkResult(ContactOutcome.ACCOUNT_TAKEN, current)
        await self.people.link_account(
            person.id, tg_user_id, at=iso(self.clock.now()), actor_tg=tg_user_id, how="contact"
        )
        return LinkResult(ContactOutcome.LINKED, await self.people.get(person.id))
