"""A branch without a committee chat (`committee_chat_id = 0`): committee material has
nowhere to go, and must never go to the branch group instead."""

from __future__ import annotations

import pytest

from bot.callbacks import pack
from bot.config import Config, parse_config
from storage.models import POST_AUDIENCES
from tests.conftest import Branch, base_settings


@pytest.fixture
def config() -> Config:
    settings = base_settings()
    settings["chats"]["committee_chat_id"] = 0
    return parse_config(settings, env={}, need_token=False)


def _group_texts(b: Branch) -> list[str]:
    return [str(m.get("text", "")) for m in b.fake.bot_messages(b.group)]


async def test_the_composer_does_not_offer_a_committee_chat_that_does_not_exist(
    branch: Branch,
) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/notice")
    await branch.h.tap_or_type(secretary, "📢 通知")
    await branch.h.tap_or_type(secretary, "支委内部：困难党员名单")
    labels = branch.fake.labels(branch.last(secretary))
    assert "📣 支部群" in labels and "👥 支委群" not in labels
    # A forged (or old) button for the committee chat is refused, and nothing is posted.
    branch.fake.press_data(secretary, branch.last(secretary),
                           pack("pc", "a", POST_AUDIENCES.index("committee")))
    await branch.h.settle()
    assert "没有设置支委群" in branch.reply(secretary)
    assert not [t for t in _group_texts(branch) if "困难党员名单" in t]


async def test_a_committee_meeting_card_never_goes_to_the_branch_group(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.arrange(secretary, "/meeting 支委会 12月5日 9:30 办公室 研究困难帮扶")
    [m] = await branch.h.deps.meeting_repo.active()
    branch.h.clock.set(branch.h.deps.meetings.opens_at(m))
    for step in ("eve", "soon", "open"):
        await branch.run_job(f"mtg:{m.id}:{step}")
    assert not [t for t in _group_texts(branch) if "研究困难帮扶" in t]
