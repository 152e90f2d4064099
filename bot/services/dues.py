"""Party dues (党费): who owes what, payments and spending, and the yearly statement.

Only Party members (党员, 预备党员) pay dues. A member owes every month of the year up to
the current one at his monthly rate, less the months his payments cover.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.clock import BranchTime, Clock, iso
from bot.services.access import Actor
from bot.services.people import is_party_member
from bot.services.problems import Problem, ServiceError
from storage.dues import DuesRepo, Payment, Spending
from storage.models import Person

# The words of `/dues`: record spending, set a rate, record a payment; the usual method.
SPEND_WORD, RATE_WORD, PAY_WORD, DEFAULT_METHOD = "支出", "标准", "交", "现金"
_YUAN = re.compile(r"^(\d{1,6})(?:\.(\d{1,2}))?元?$")
_MONTHS = re.compile(r"^(\d{1,2})月?(?:[-~至到](\d{1,2})月?)?$")


class DuesError(ServiceError):
    """A request this feature cannot do (see bot.services.problems)."""


def parse_yuan(text: str) -> int:
    """"120", "8.5", "8.50元" -> fen."""
    m = _YUAN.match(text.strip())
    if not m:
        raise DuesError(Problem.DUES_BAD_AMOUNT)
    fen = int(m.group(1)) * 100 + int((m.group(2) or "0").ljust(2, "0"))
    if fen <= 0:
        raise DuesError(Problem.DUES_ZERO_AMOUNT)
    return fen


def parse_months(text: str, year: int) -> tuple[str, str]:
    """"1-6月", "3月", "全年" -> ("2026-01", "2026-06")."""
    if text.strip() == "全年":
        return f"{year}-01", f"{year}-12"
    m = _MONTHS.match(text.strip())
    if not m:
        raise DuesError(Problem.DUES_BAD_MONTHS)
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if not 1 <= first <= last <= 12:
        raise DuesError(Problem.DUES_BAD_MONTHS)
    return f"{year}-{first:02d}", f"{year}-{last:02d}"


def fen_text(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@dataclass(frozen=True)
class Status:
    person: Person
    monthly_fen: int
    paid_months: frozenset[int]
    owed_months: tuple[int, ...]

    @property
    def owed_fen(self) -> int:
        return self.monthly_fen * len(self.owed_months)


@dataclass(frozen=True)
class Statement:
    year: int
    collected: dict[int, int]  # month -> fen
    spent: dict[int, int]
    spending: list[Spending]

    @property
    def balance_fen(self) -> int:
        return sum(self.collected.values()) - sum(self.spent.values())


class DuesService(BranchTime):
    def __init__(self, repo: DuesRepo, clock: Clock, tz: ZoneInfo) -> None:
        super().__init__(clock, tz)
        self.repo = repo

    @staticmethod
    def pays_dues(p: Person) -> bool:
        return is_party_member(p) and p.active

    async def status(self, people: list[Person], today: date) -> list[Status]:
        rates = await self.repo.rates()
        covered = await self.repo.covered_months(today.year)
        out = []
        for p in people:
            if not self.pays_dues(p):
                continue
            paid = frozenset(covered.get(p.id, ()))
            owed = tuple(m for m in range(1, today.month + 1) if m not in paid)
            out.append(Status(p, rates.get(p.id, 0), paid, owed))
        return out

    async def set_rate(self, actor: Actor, person: Person, text: str) -> int:
        if not actor.is_secretary:
            raise DuesError(Problem.NOT_ALLOWED)
        if not self.pays_dues(person):
            raise DuesError(Problem.DUES_NOT_MEMBER)
        fen = parse_yuan(text)
        await self.repo.set_rate(person.id, fen, at=iso(self.now()), actor_tg=actor.tg_user_id)
        return fen

    async def pay(self, actor: Actor, person: Person, months: str, amount: str,
                  method: str) -> Payment:
        if actor.person is None or not actor.may_act_for(person):
            raise DuesError(Problem.DUES_NOT_ALLOWED)
        if not self.pays_dues(person):
            raise DuesError(Problem.DUES_NOT_MEMBER)
        first, last = parse_months(months, self.today().year)
        payment = Payment(person.id, self.today().isoformat(), first, last, parse_yuan(amount),
                          method[:10] or DEFAULT_METHOD)
        await self.repo.pay(payment, recorded_by=actor.person.id, at=iso(self.now()),
                            actor_tg=actor.tg_user_id)
        return payment

    async def spend(self, actor: Actor, amount: str, purpose: str, approved_by: str) -> int:
        if not actor.is_secretary or actor.person is None:
            raise DuesError(Problem.NOT_ALLOWED)
        fen = parse_yuan(amount)
        await self.repo.spend(Spending(self.today().isoformat(), fen, purpose[:60],
                                       approved_by[:20]), recorded_by=actor.person.id,
                              at=iso(self.now()), actor_tg=actor.tg_user_id)
        return fen

    async def statement(self, year: int) -> Statement:
        collected = await self.repo.collected_by_month(year)
        spending = await self.repo.spending(year)
        spent: dict[int, int] = defaultdict(int)
        for s in spending:
            spent[int(s.spent_on[5:7])] += s.amount_fen
        return Statement(year, collected, dict(spent), spending)
