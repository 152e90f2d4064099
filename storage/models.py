"""Plain records passed between storage and services, and the ASCII keys stored for kinds,
flags and reasons. No behaviour beyond formatting-free data; the branch's rules about these
records live in `bot/services/`, the words for the keys in `bot/texts.py`.

Why one file over 400 lines: every record type is here so that what storage may hand out
is visible at once (tests/test_layers.py lets handlers import only these)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class SuggestionStatus(StrEnum):
    """How far a suggestion got; the words for people are `texts.SUGGESTION_STATUS`."""

    NEW = "new"
    RECEIVED = "received"
    DONE = "done"
    REPLIED = "replied"


class Category(StrEnum):
    """离休 / 退休 / 在职; the words are `texts.CATEGORY`."""

    LIXIU = "lixiu"      # 离休: joined before October 1949; always a key service target
    TUIXIU = "tuixiu"
    SERVING = "serving"


class PartyStatus(StrEnum):
    """政治面貌; the words are `texts.PARTY_STATUS`."""

    MEMBER = "member"
    PROBATIONARY = "probationary"
    OTHER_PARTY = "other_party"  # 民主党派
    MASSES = "masses"            # 群众


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


CATEGORIES = tuple(Category)
STATUSES = tuple(PartyStatus)


class CareFlag(StrEnum):
    """Why a member needs care; the words are `texts.CARE_FLAG`."""

    ILL = "ill"
    ALONE = "alone"
    FRAIL = "frail"
    HARDSHIP = "hardship"
    HOSPITAL = "hospital"  # set in the bot (住院 reported), never by the roster file


CARE_FLAGS = tuple(CareFlag)
ROLES = ("secretary", "committee", "liaison")


@dataclass(frozen=True)
class Person:
    id: int
    ext_id: str
    name: str
    group_id: int | None
    group_name: str | None
    category: Category
    status: PartyStatus
    sex: Sex | None = None
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
    care_flags: tuple[CareFlag, ...] = ()
    roles: frozenset[str] = field(default_factory=frozenset)
    family_name: str | None = None      # 家属: his leader's and the secretary's only
    family_relation: str | None = None
    family_phone: str | None = None

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
    category: Category
    status: PartyStatus
    sex: Sex | None
    birth_date: str | None
    birth_calendar: str
    birth_leap: bool
    joined_party: str | None
    phone: str | None
    residence: str | None
    care_flags: tuple[CareFlag, ...]
    deceased_on: str | None
    greet_in_group: bool
    roles: frozenset[str]
    is_leader: bool
    notes: str | None
    family_name: str | None = None
    family_relation: str | None = None
    family_phone: str | None = None


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


class MeetingKind(StrEnum):
    """The words are `texts.MEETING_KIND`; who is expected is `services.meetings.AUDIENCE`."""

    GENERAL = "general"      # 支部党员大会
    COMMITTEE = "committee"  # 支委会
    GROUP = "group"          # 党小组会
    LECTURE = "lecture"      # 党课
    PARTY_DAY = "party_day"  # 主题党日
    STUDY_DAY = "study_day"  # 学习活动日
    ORG_LIFE = "org_life"    # 组织生活会 (民主评议党员 follows it)
    OTHER = "other"


class MakeupMethod(StrEnum):
    """How a missed meeting was made up (补课); the words are `texts.MAKEUP_METHOD`."""

    HOME = "home"    # 送学上门
    PHONE = "phone"  # 电话传达
    SELF = "self"    # 自学


class LeaveReason(StrEnum):
    """Private; the words are `texts.LEAVE_REASON`."""

    ILL = "ill"
    HOSPITAL = "hospital"  # also a hospital stay, with its visit task
    AWAY = "away"
    FAMILY = "family"
    OTHER = "other"


MEETING_KINDS = tuple(MeetingKind)
MAKEUP_METHODS = tuple(MakeupMethod)
LEAVE_REASONS = tuple(LeaveReason)


@dataclass(frozen=True)
class Meeting:
    id: int
    kind: MeetingKind
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
    series_id: int | None = None  # an occurrence of a repeating meeting


@dataclass(frozen=True)
class MeetingSeries:
    """每月第N个周X: a meeting that repeats; each occurrence is its own `Meeting`."""

    id: int
    kind: MeetingKind
    group_id: int | None
    nth: int       # 1–4, or 5 for the last
    weekday: int   # 1 = Monday … 7 = Sunday
    start_time: str  # HH:MM, branch time
    place: str
    topic: str
    stopped_at: str | None = None


@dataclass(frozen=True)
class Attendance:
    meeting_id: int
    person_id: int
    status: str  # present | excused | absent
    reason: LeaveReason | None
    recorded_by: int | None
    at: str


@dataclass(frozen=True)
class Makeup:
    id: int
    meeting_id: int
    person_id: int
    assignee_id: int | None
    method: MakeupMethod | None
    done_on: str | None


class VisitKind(StrEnum):
    """四必访 and the rest; the words are `texts.VISIT_KIND`."""

    HOLIDAY = "holiday"          # 节日慰问
    BIRTHDAY = "birthday"        # 生日祝寿
    HOSPITAL = "hospital"        # 住院探望
    HARDSHIP = "hardship"        # 困难帮扶
    ROUTINE = "routine"          # 日常走访
    PHONE = "phone"              # 电话联系
    BEREAVEMENT = "bereavement"  # 善后慰问: 慰问家属
    FUNERAL = "funeral"          # 协助办理丧事
    SURVIVOR = "survivor"        # 遗属帮扶


class HelpKind(StrEnum):
    """What a member asked help with; the words are `texts.HELP_KIND`."""

    MEDICAL = "medical"
    DAILY = "daily"
    OTHER = "other"
    HOSPITAL = "hospital"  # 「我住院了」, not offered in the help menu


class PassedOn(StrEnum):
    """How a notice or study reached a member; the words are `texts.PASSED_ON`."""

    SELF = "self"    # he read it himself
    PHONE = "phone"  # 电话已告知 / 电话传达
    DOOR = "door"    # 上门告知 / 送学上门


class CallOutcome(StrEnum):
    """How a leader's call to a member without a phone went; words: `texts.CALL_OUTCOME`."""

    PHONE = "phone"          # 电话已告知
    DOOR = "door"            # 上门告知
    UNREACHED = "unreached"  # 没联系上 (may be tried again)


class RoundKind(StrEnum):
    """What a phone round passes on (storage/rounds.py)."""

    MEETING = "meeting"          # a meeting's reminder
    HOLIDAY = "holiday"          # a holiday greeting
    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"  # 政治生日
    WEATHER = "weather"          # a severe-weather warning
    SAFE = "safe"                # 「我平安」 not tapped after severe weather
    NOTICE = "notice"            # a notice not yet reached (its follow-up)
    STUDY = "study"              # study material not yet studied (its follow-up)


class WeatherKind(StrEnum):
    """A kind of severe weather, announced once while it lasts (`texts.WEATHER_KIND`)."""

    HEAT = "heat"
    COLD_WAVE = "cold_wave"
    FREEZE = "freeze"
    WIND = "wind"
    RAIN = "rain"
    SLEET = "sleet"
    SNOW = "snow"
    FOG = "fog"


VISIT_KINDS = tuple(VisitKind)
HELP_KINDS = (HelpKind.MEDICAL, HelpKind.DAILY, HelpKind.OTHER)  # the help menu's choices


@dataclass(frozen=True)
class VisitTask:
    id: int
    person_id: int
    kind: VisitKind
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
    kind: VisitKind
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
    kind: HelpKind
    text: str | None
    created_at: str
    acknowledged_by: int | None
    acknowledged_at: str | None
    escalated_at: str | None
    resolved_at: str | None = None
    resolved_by: int | None = None
    resolution: str | None = None   # what was done, in the helper's words
    reported_at: str | None = None  # handed to the secretary
    reported_up_at: str | None = None  # handed on to the Party committee above

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


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
    how: PassedOn
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
