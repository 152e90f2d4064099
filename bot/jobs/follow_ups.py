"""What a handler sets in motion beyond its own reply — a meeting's jobs, a post's send,
a help request's escalation, the private notice of new visit tasks — reached by handlers
as `context.deps.follow_ups` (`bot.context.FollowUps`), so that no handler imports
`bot.jobs` (tests/test_layers.py)."""

from __future__ import annotations

from bot.context import BranchContext
from bot.jobs.cards import CardRefresher, edit_card
from bot.jobs.care import notify_tasks, schedule_help_escalation
from bot.jobs.meetings import close_and_report, schedule_meeting, unschedule
from bot.jobs.posts import schedule_send
from bot.services.care import NewTask
from bot.services.meetings import Closing, Plan
from storage.models import HelpRequest, Meeting, Post


class JobFollowUps:
    def __init__(self, card_edit_seconds: float) -> None:
        self.cards = CardRefresher(card_edit_seconds)

    def refresh_card(self, context: BranchContext, m: Meeting) -> None:
        if m.card_chat_id is not None and context.job_queue is not None:
            self.cards.request(context.job_queue, m.card_chat_id, m.id)

    async def edit_card(self, context: BranchContext, meeting_id: int) -> None:
        await edit_card(context, context.deps, meeting_id)

    def plan_meeting(self, context: BranchContext, m: Meeting) -> Plan:
        assert context.job_queue is not None
        return schedule_meeting(context.job_queue, context.deps, m)

    def drop_meeting(self, context: BranchContext, meeting_id: int) -> None:
        assert context.job_queue is not None
        unschedule(context.job_queue, meeting_id)

    async def close_meeting(self, context: BranchContext, meeting_id: int,
                            actor_tg: int | None) -> Closing | None:
        return await close_and_report(context, meeting_id, actor_tg)

    def send_post(self, context: BranchContext, post: Post) -> None:
        assert context.job_queue is not None
        schedule_send(context.job_queue, context.deps, post)

    def watch_help(self, context: BranchContext, request: HelpRequest) -> None:
        assert context.job_queue is not None
        schedule_help_escalation(context.job_queue, context.deps, request)

    async def tell_tasks(self, context: BranchContext, tasks: list[NewTask]) -> None:
        await notify_tasks(context, context.deps, tasks)
