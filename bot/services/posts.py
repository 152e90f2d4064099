"""Notices (通知) and study material (学习资料): who they reach and whether they did.

The point of every post is that nobody is missed. Each person in a post's audience ends
up in one of three places: reached directly (tapped 👍 收到 / 📖 已学习, or, for a private
notice without a receipt, had it delivered), reached through his leader (who phoned or
visited and recorded it), or not yet reached. The third list becomes a phone round
(`bot.services.rounds`, key `post:<id>`) when the post is followed up or a leader asks
for it: each carer gets his people with the round's three buttons, and the round's calls
count here as reached through the leader (or, 没联系上, as still missing).

Why one file over 400 lines: where a person stands with a post (`_standing`) is the one rule
that receipts, the leaders' round and every coverage figure read; split, it would be read
from several places.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.clock import BranchTime, Clock, iso
from bot.services.access import Actor, Role
from bot.services.org import Org
from bot.services.rounds import REACHED, RoundService, Sheet
from storage.models import (
    Ack,
    CallOutcome,
    Delivery,
    PassedOn,
    Person,
    Post,
    Reflection,
    RoundKind,
)
from storage.people import PeopleRepo
from storage.posts import Marks, PostRepo
from storage.rounds import Call, Round

# How a leader can pass a post on to someone without a phone, by kind.
PASS_ON = (PassedOn.PHONE, PassedOn.DOOR)  # the buttons' order; words: texts.PASSED_ON
PRIVATE_AUDIENCES = ("members", "party_group")
ROUND_PREFIX = "post"  # a post's phone round is keyed post:<id>
POSTERS = frozenset({Role.SECRETARY, Role.COMMITTEE})
REACHED_PLACES = ("direct", "via_leader")  # `PostService._standing`'s two ways of reached


class AckOutcome(StrEnum):
    DONE = "done"
    ALREADY = "already"
    NOT_EXPECTED = "not_expected"
    NOT_LINKED = "not_linked"
    WITHDRAWN = "withdrawn"
    UNKNOWN = "unknown"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class PostDraft:
    kind: str
    title: str
    body: str
    file_id: str | None
    file_kind: str | None
    audience: str
    group_id: int | None
    receipt: bool
    due_on: date | None
    send_at: datetime | None


@dataclass(frozen=True)
class Missing:
    person: Person
    reason: str  # unlinked | unreachable | pending | no_ack | unreached (called, not reached)


@dataclass
class GroupCoverage:
    name: str
    direct: list[Person] = field(default_factory=list)
    via_leader: list[Person] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.direct) + len(self.via_leader) + len(self.missing)


@dataclass(frozen=True)
class AckResult:
    outcome: AckOutcome
    post: Post | None = None
    person: Person | None = None


def round_key(post_id: int) -> str:
    return f"{ROUND_PREFIX}:{post_id}"


class PostService(BranchTime):
    def __init__(self, repo: PostRepo, people: PeopleRepo, org: Org, rounds: RoundService,
                 clock: Clock, tz: ZoneInfo) -> None:
        super().__init__(clock, tz)
        self.repo = repo
        self.people = people
        self.org = org
        self.rounds = rounds
        rounds.settle_with(ROUND_PREFIX, self._settled)

    # -- who may post, and to whom ------------------------------------------------------

    # -- reading, for handlers and jobs (repositories stay behind the services) ----------

    async def get(self, post_id: int) -> Post | None:
        return await self.repo.get(post_id)

    async def recent(self, kind: str, limit: int) -> list[Post]:
        return await self.repo.recent(kind, limit)

    # -- the send ledger: each step of sending a post, recorded once (bot.jobs.posts) -----

    async def start_sending(self, post: Post) -> None:
        await self.repo.set_status(post.id, "sending")

    async def finish_sending(self, post: Post) -> None:
        await self.repo.set_status(post.id, "sent")

    async def give_up(self, post: Post) -> bool:
        """Telegram refused it for good (or there is nowhere to send it): True the first
        time, so its sender is told once."""
        return await self.repo.mark_failed(post.id, iso(self.now()))

    async def posted_in(self, post: Post, chat_id: int, message_id: int) -> None:
        await self.repo.set_message(post.id, chat_id, message_id)

    async def claim_follow_up(self, post: Post) -> bool:
        """The leaders' lists go out once; False if they did."""
        return await self.repo.claim(post.id, "followed_up_at", iso(self.now()))

    async def claim_reminder(self, post: Post) -> bool:
        """The study reminder goes out once; False if it did."""
        return await self.repo.claim(post.id, "reminded_at", iso(self.now()))

    async def progress_shown_in(self, post: Post, chat_id: int, message_id: int) -> None:
        """The sender's 「已发送 n/m」 message, edited as the fan-out goes on."""
        await self.repo.set_progress(post.id, chat_id, message_id)

    async def delivered(self, post: Post, person_id: int, state: str,
                        message_id: int | None) -> None:
        """One person's copy: sent, or unreachable; a resumed fan-out skips him."""
        await self.repo.mark_delivery(post.id, person_id, state, message_id, iso(self.now()))

    async def unfinished(self) -> list[Post]:
        """Still to send or being sent: resumed on start-up."""
        return await self.repo.unfinished()

    async def sent_posts(self) -> list[Post]:
        return await self.repo.sent_posts()

    async def deliveries(self, post_id: int) -> list[Delivery]:
        return await self.repo.deliveries(post_id)

    async def acks(self, post_id: int) -> list[Ack]:
        return await self.repo.acks(post_id)

    @staticmethod
    def may_post(actor: Actor, audience: str, group_id: int | None) -> bool:
        """The secretary and committee post anywhere; a leader to his own group."""
        if actor.has_any(POSTERS):
            return True
        return audience == "party_group" and group_id in actor.led_group_ids

    @staticmethod
    def may_manage(actor: Actor, post: Post) -> bool:
        return actor.is_secretary or (actor.person is not None
                                      and post.created_by == actor.person.id)

    async def audience(self, audience: str, group_id: int | None,
                       everyone: Sequence[Person] | None = None) -> list[Person]:
        """Who a post is for; `everyone` is the roster when the caller has read it already
        (the year's report asks for many posts: bench/views_taps.py)."""
        people = [p for p in (everyone if everyone is not None else await self.people.all())
                  if p.active]
        if audience == "committee":
            return [p for p in people if p.roles & {"secretary", "committee"}]
        if audience == "party_group":
            return [p for p in people if p.group_id == group_id]
        return people

    async def create(self, draft: PostDraft, actor: Actor) -> Post:
        if not self.may_post(actor, draft.audience, draft.group_id):
            raise PermissionError(draft.audience)
        recipients: list[tuple[int, bool]] = []
        if draft.audience in PRIVATE_AUDIENCES:
            recipients = [(p.id, p.tg_user_id is not None)
                          for p in await self.audience(draft.audience, draft.group_id)]
        post_id = await self.repo.create(
            kind=draft.kind, title=draft.title[:60], body=draft.body[:3500],
            file_id=draft.file_id, file_kind=draft.file_kind, audience=draft.audience,
            group_id=draft.group_id, receipt=draft.receipt or draft.kind == "study",
            due_on=draft.due_on.isoformat() if draft.due_on else None,
            created_by=actor.person.id if actor.person else None,
            created_by_tg=actor.tg_user_id, send_at=iso(draft.send_at or self.now()),
            at=iso(self.now()), recipients=recipients)
        if actor.person is not None and any(pid == actor.person.id for pid, _ in recipients):
            # Whoever wrote it has read it.
            await self.repo.ack(post_id, actor.person.id, how=PassedOn.SELF, recorded_by=None,
                                at=iso(self.now()))
        post = await self.repo.get(post_id)
        assert post is not None
        return post

    # -- acknowledgements ---------------------------------------------------------------

    async def acknowledge(self, post_id: int, actor: Actor) -> AckResult:
        post = await self.repo.get(post_id)
        if post is None:
            return AckResult(AckOutcome.UNKNOWN)
        if post.status == "withdrawn":
            return AckResult(AckOutcome.WITHDRAWN, post)
        if actor.person is None:
            return AckResult(AckOutcome.NOT_LINKED, post)
        if actor.person.id not in {p.id for p in await self.audience(post.audience,
                                                                    post.group_id)}:
            return AckResult(AckOutcome.NOT_EXPECTED, post, actor.person)
        done = await self.repo.ack(post.id, actor.person.id, how=PassedOn.SELF, recorded_by=None,
                                   at=iso(self.now()))
        return AckResult(AckOutcome.DONE if done else AckOutcome.ALREADY, post, actor.person)

    async def pass_on(self, post_id: int, actor: Actor, person_id: int,
                      method: int) -> AckResult:
        """A leader records that he told someone by phone or in person."""
        post = await self.repo.get(post_id)
        person = await self.people.get(person_id)
        if post is None or person is None or method not in (0, 1):
            return AckResult(AckOutcome.UNKNOWN)
        if post.status == "withdrawn":
            return AckResult(AckOutcome.WITHDRAWN, post, person)
        if actor.person is None or not actor.may_act_for(person):
            return AckResult(AckOutcome.NOT_ALLOWED, post, person)
        if person.id not in {p.id for p in await self.audience(post.audience, post.group_id)}:
            return AckResult(AckOutcome.NOT_EXPECTED, post, person)
        done = await self.repo.ack(post.id, person.id, how=PASS_ON[method],
                                   recorded_by=actor.person.id, at=iso(self.now()))
        return AckResult(AckOutcome.DONE if done else AckOutcome.ALREADY, post, person)

    # -- coverage -------------------------------------------------------------------------

    @staticmethod
    def _standing(receipt: bool, linked: bool, state: str | None, how: str | None,
                  call: CallOutcome | None) -> str:
        """Where one person stands with a post, from his delivery's state, his
        acknowledgement (how he got it) and his call on the post's round, each None when
        there is none: "direct", "via_leader", or why he is still missing
        (`Missing.reason`). The one rule of who was reached."""
        if how is not None:
            return "direct" if how == PassedOn.SELF else "via_leader"
        if not receipt and state == "sent":
            return "direct"
        if call in REACHED:
            return "via_leader"
        if call is CallOutcome.UNREACHED:
            return "unreached"
        if state in ("unlinked", "unreachable", "pending"):
            return state
        return "no_ack" if linked else "unlinked"

    def _place(self, post: Post, person: Person, marks: Marks,
               calls: dict[int, Call]) -> str | Missing:
        """`_standing` for a person, with the post's `marks` and round (`_calls`)."""
        call = calls.get(person.id)
        standing = self._standing(bool(post.receipt), person.tg_user_id is not None,
                                  *marks.get(person.id, (None, None)),
                                  call.outcome if call else None)
        return standing if standing in REACHED_PLACES else Missing(person, standing)

    async def _calls(self, post: Post) -> dict[int, Call]:
        """The calls of the post's phone round, by person (none before it is made)."""
        r = await self.rounds.by_key(round_key(post.id))
        return {c.person_id: c for c in await self.rounds.calls(r)} if r else {}

    async def _marks(self, post: Post) -> Marks:
        return (await self.repo.marks([post.id])).get(post.id, {})

    async def coverage(self, post: Post, everyone: Sequence[Person] | None = None,
                       ) -> dict[int | None, GroupCoverage]:
        """Per 党小组 (None: people without a group); `everyone` as for `audience`."""
        marks = await self._marks(post)
        calls = await self._calls(post)
        groups = {g.id: g.name for g in await self.people.groups()}
        out: dict[int | None, GroupCoverage] = {}
        for person in await self.audience(post.audience, post.group_id, everyone):
            cov = out.setdefault(person.group_id,
                                 GroupCoverage(groups.get(person.group_id or -1, "")))
            place = self._place(post, person, marks, calls)
            if isinstance(place, Missing):
                cov.missing.append(place)
            elif place == "direct":
                cov.direct.append(person)
            else:
                cov.via_leader.append(person)
        return out

    async def reached_of(self, *lists: Sequence[Post]) -> list[tuple[int, int]]:
        """For each list of posts, (reached, expected) over all its posts' audiences, by
        `_standing` as in `coverage` but listing nobody: each post's people are counted
        by what the rule reads, and the rule asked once per kind; the roster is read once
        for all the lists, the marks once for each. The year's report (22 posts at ten
        years of a 1,000-person branch) spent 180 ms on them through `coverage`;
        docs/PERFORMANCE.md §s12."""
        everyone = await self.people.all()
        out = []
        for posts in lists:
            marks = await self.repo.marks([p.id for p in posts])
            reached = expected = 0
            for post in posts:
                got = marks.get(post.id, {})
                calls = {pid: c.outcome for pid, c in (await self._calls(post)).items()}
                kinds = Counter(
                    (p.tg_user_id is not None, *got.get(p.id, (None, None)), calls.get(p.id))
                    for p in await self.audience(post.audience, post.group_id, everyone))
                for (linked, state, how, call), n in kinds.items():
                    expected += n
                    if self._standing(bool(post.receipt), linked, state, how,
                                      call) in REACHED_PLACES:
                        reached += n
            out.append((reached, expected))
        return out

    @staticmethod
    def is_tracked(post: Post) -> bool:
        """Whether the bot follows who was reached: receipts were asked for, or it was
        sent to each person privately (study material always asks for receipts)."""
        return bool(post.receipt) or post.audience in PRIVATE_AUDIENCES

    async def coverage_seen_by(self, post: Post, actor: Actor,
                               everyone: Sequence[Person] | None = None) -> list[GroupCoverage]:
        """The groups' coverage this actor may see: all of them for the whole-branch
        roles, his own groups for a leader (`everyone` as for `audience`)."""
        return [cov for group_id, cov in (await self.coverage(post, everyone)).items()
                if actor.sees_whole_branch
                or (group_id is not None and group_id in actor.led_group_ids)]

    async def missing(self, post: Post) -> list[Missing]:
        return [m for cov in (await self.coverage(post)).values() for m in cov.missing]

    async def status_of(self, post: Post, person: Person) -> str | Missing:
        return self._place(post, person, await self._marks(post), await self._calls(post))

    # -- the phone round of those not reached (bot.services.rounds) -------------------

    async def open_round(self, post: Post) -> Round | None:
        """The post's phone round: everybody not reached when it is first asked for
        (the follow-up, or a leader's 「📋 未送到名单」), each on his carer's list; made
        once. None when nobody is missing."""
        missing = {m.person.id for m in await self.missing(post)}
        return await self.rounds.open(
            round_key(post.id), RoundKind.STUDY if post.kind == "study" else RoundKind.NOTICE,
            post.title, await self.audience(post.audience, post.group_id),
            call=lambda p: p.id in missing)

    async def round_sheets(self, post: Post, actor: Actor, *, whole: bool) -> list[Sheet]:
        """The round's lists this actor asked for: the people he leads, or (`whole`, the
        secretary) every carer's list. Opens the round when it is not made yet."""
        r = await self.open_round(post)
        if r is None:
            return []
        sheets = await self.rounds.sheets(r)
        if whole and actor.is_secretary:
            return sheets
        return [Sheet(r, s.assignee_id, rows) for s in sheets
                if (rows := [(p, c) for p, c in s.rows if actor.leads(p)])]

    async def _settled(self, r: Round) -> set[int]:
        """Who on the post's round has read it himself (or was told through an older list)
        since the round was made: they leave the lists (`RoundService.settle_with`)."""
        post = await self.repo.get(int(r.key.split(":", 1)[1]))
        if post is None:
            return set()
        marks = await self._marks(post)
        settled = set()
        for call in await self.rounds.calls(r):
            person = await self.people.get(call.person_id)
            if person is not None and not isinstance(self._place(post, person, marks, {}),
                                                      Missing):
                settled.add(person.id)
        return settled

    # -- withdrawing and reflections -----------------------------------------------------

    async def withdraw(self, post: Post, actor: Actor) -> bool:
        if not self.may_manage(actor, post):
            raise PermissionError(post.id)
        return await self.repo.withdraw(post.id, at=iso(self.now()), actor_tg=actor.tg_user_id)

    async def save_reflection(self, post_id: int, actor: Actor, *, text: str | None,
                              voice_file_id: str | None) -> AckResult:
        post = await self.repo.get(post_id)
        if post is None or post.kind != "study":
            return AckResult(AckOutcome.UNKNOWN)
        if actor.person is None:
            return AckResult(AckOutcome.NOT_LINKED, post)
        await self.repo.save_reflection(post.id, actor.person.id,
                                        text=(text or "")[:4000] or None,
                                        voice_file_id=voice_file_id, at=iso(self.now()))
        # Writing a reflection shows the material was studied.
        await self.repo.ack(post.id, actor.person.id, how=PassedOn.SELF, recorded_by=None,
                            at=iso(self.now()))
        return AckResult(AckOutcome.DONE, post, actor.person)

    async def dictated_reflection(self, actor: Actor, person: Person, text: str) -> AckResult:
        """A 心得 a member without a phone told his leader, on the latest study material;
        it shows he studied it, passed on by that leader."""
        posts = await self.repo.recent("study", 1)
        if not posts:
            return AckResult(AckOutcome.UNKNOWN)
        post = posts[0]
        if actor.person is None or not actor.may_act_for(person):
            return AckResult(AckOutcome.NOT_ALLOWED, post, person)
        await self.repo.save_reflection(post.id, person.id, text=text.strip()[:4000] or None,
                                        voice_file_id=None, at=iso(self.now()),
                                        recorded_by=actor.person.id)
        await self.repo.ack(post.id, person.id, how=PassedOn.DOOR,
                            recorded_by=actor.person.id, at=iso(self.now()))
        return AckResult(AckOutcome.DONE, post, person)

    async def readable_reflections(self, post: Post, actor: Actor) -> list[
            tuple[Reflection, Person]]:
        """The secretary reads all; a leader his group's; a member his own."""
        out = []
        for r in await self.repo.reflections(post.id):
            person = await self.people.get(r.person_id)
            if person is None:
                continue
            own = actor.person is not None and actor.person.id == person.id
            if own or actor.is_secretary or actor.may_act_for(person):
                out.append((r, person))
        return out
