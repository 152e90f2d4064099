"""Plain records passed between storage and services. No behaviour beyond formatting-free
data; the branch's rules about these records live in `bot/services/`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SuggestionStatus(StrEnum):
    """How far a suggestion got; the words for people are `texts.SUGGESTION_STATUS`."""

    NEW = "new"
    RECEIVED = "received"
    DONE = "done"
    REPLIED = "replied"


CATEGORIES = ("离休", "退休", "在职")
STATUSES = ("党员", "预备党员", "民主党派", "群众")
CARE_FLAGS = ("患病", "独居", "行动不便", "困难", "住院中")
ROLES = ("secretary", "committee", "liaison")


@dataclass(frozen=True)
class Person:
    id: int
    ext_id: str
    name: str
    group_id: int | None
    group_name: str | None
    category: str
    status: str
    sex: str | None = None
    birth_date: str | None = None
    birth_calendar: str = "solar"
    birth_leap: bool = False
    joined_party: str | None = None
    phone: str | None = None
    residence: str | None = None
    deceased_on: str | None = None
    archived: bool = False
    greet_in_group: bool = False
    notes: str | None = None
    tg_user_id: int | None = None
    care_flags: tuple[str, ...] = ()
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def alive(self) -> bool:
        return self.deceased_on is None

    @property
    def active(self) -> bool:
        """Counted in the branch's work: alive and not archived."""
        return self.alive and not self.archived


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    leader_id: int | None
    leader_name: str | None
    sort: int


@dataclass(frozen=True)
class RosterRow:
    """One validated row of a roster file, ready to be written."""

    ext_id: str
    name: str
    group_name: str | None
    category: str
    status: str
    sex: str | None
    birth_date: str | None
    birth_calendar: str
    birth_leap: bool
    joined_party: str | None
    phone: str | None
    residence: str | None
    care_flags: tuple[str, ...]
    deceased_on: str | None
    greet_in_group: bool
    roles: frozenset[str]
    is_leader: bool
    notes: str | None


@dataclass(frozen=True)
class KeptRow:
    """A row an import left alone: the bot recorded this person's death or erased him."""

    ext_id: str
    name: str
    why: str  # "deceased" | "erased"


@dataclass(frozen=True)
class ImportOutcome:
    created: int
    updated: int
    groups_created: int
    untouched: int
    kept: tuple[KeptRow, ...] = ()


@dataclass(frozen=True)
class InviteUse:
    """What happened when a deep-link token was presented."""

    # "linked" | "already_yours" | "unknown" | "used" | "expired" | "account_taken"
    outcome: str
    person_id: int | None = None  # the invited person, or the one the account already has


MEETING_KINDS = ("支部党员大会", "支委会", "党小组会", "党课", "主题党日", "学习活动日", "其他")
MAKEUP_METHODS = ("送学上门", "电话传达", "自学")
LEAVE_REASONS = ("生病", "住院", "外出", "家中有事", "其他")
LEAVE_HOSPITAL = "住院"  # the leave reason that is also a hospital stay


@dataclass(frozen=True)
class Meeting:
    id: int
    kind: str
    topic: str
    group_id: int | None
    starts_at: str  # UTC ISO
    ends_at: str
    place: str
    status: str  # scheduled | open | closed | cancelled
    created_by_tg: int
    card_chat_id: int | None = None
    card_message_id: int | None = None
    eve_reminded_at: str | None = None
    soon_reminded_at: str | None = None


@dataclass(frozen=True)
class Attendance:
    meeting_id: int
    person_id: int
    status: str  # present | excused | absent
    reason: str | None
    recorded_by: int | None
    at: str


@dataclass(frozen=True)
class Makeup:
    id: int
    meeting_id: int
    person_id: int
    assignee_id: int | None
    method: str | None
    done_on: str | None


VISIT_KINDS = ("节日慰问", "生日祝寿", "住院探望", "困难帮扶", "日常走访", "电话联系", "善后慰问")
HELP_KINDS = ("就医", "生活", "其他")


@dataclass(frozen=True)
class VisitTask:
    id: int
    person_id: int
    kind: str
    trigger_key: str
    assignee_id: int | None
    due_on: str
    done_at: str | None = None
    cancelled_at: str | None = None
    escalated_at: str | None = None
    reminded_on: str | None = None

    @property
    def open(self) -> bool:
        return self.done_at is None and self.cancelled_at is None


@dataclass(frozen=True)
class Visit:
    id: int
    person_id: int
    kind: str
    visited_on: str
    recorded_by: int
    companions: str | None
    notes: str | None
    gifts: str | None
    money_yuan: int | None
    task_id: int | None


@dataclass(frozen=True)
class HelpRequest:
    id: int
    person_id: int
    kind: str
    text: str | None
    created_at: str
    acknowledged_by: int | None
    acknowledged_at: str | None
    escalated_at: str | None


POST_AUDIENCES = ("group", "committee", "members", "party_group")


@dataclass(frozen=True)
class Post:
    id: int
    kind: str  # notice | study
    title: str
    body: str
    file_id: str | None
    file_kind: str | None
    audience: str
    group_id: int | None
    receipt: bool
    due_on: str | None
    created_by: int | None
    created_by_tg: int
    send_at: str
    status: str
    chat_id: int | None = None
    message_id: int | None = None
    progress_chat_id: int | None = None
    progress_message_id: int | None = None
    followed_up_at: str | None = None
    reminded_at: str | None = None
    failed_at: str | None = None  # Telegram refused it for good, or it had nowhere to go


@dataclass(frozen=True)
class Delivery:
    post_id: int
    person_id: int
    state: str  # pending | sent | unreachable | unlinked
    message_id: int | None


@dataclass(frozen=True)
class Ack:
    post_id: int
    person_id: int
    how: str
    recorded_by: int | None


@dataclass(frozen=True)
class Reflection:
    post_id: int
    person_id: int
    text: str | None
    voice_file_id: str | None
    at: str


@dataclass(frozen=True)
class QuizQuestion:
    position: int
    question: str
    options: tuple[str, ...]
    answer: int
    explanation: str | None


@dataclass(frozen=True)
class Quiz:
    id: int
    title: str
    pass_percent: int
    retakes: bool
    questions: tuple[QuizQuestion, ...]


@dataclass(frozen=True)
class Attempt:
    id: int
    quiz_id: int
    person_id: int
    position: int
    poll_id: str | None
    score: int
    finished: bool
