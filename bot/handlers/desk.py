"""`/web`: a one-time link to the desk (bot/web), in a private chat only. The link is
sent as text without a preview (a preview would fetch the page; the page itself only
uses the link when its button is pressed)."""

from __future__ import annotations

from telegram import LinkPreviewOptions, Update
from telegram.ext import CommandHandler

from bot import texts
from bot.context import BranchApp, BranchContext
from bot.guard import guarded
from bot.services.access import Actor


@guarded("web")
async def web_command(update: Update, context: BranchContext, actor: Actor) -> None:
    message = update.effective_message
    assert message is not None
    web = context.deps.config.web
    if not web.enabled:
        await message.reply_text(texts.WEB_DISABLED)
        return
    token = await context.deps.desk.issue(actor)
    if token is None:
        await message.reply_text(texts.NOT_LINKED)
        return
    url = f"{web.address}/login?t={token}"
    await message.reply_text(texts.WEB_LINK.format(url=url),
                             link_preview_options=LinkPreviewOptions(is_disabled=True))


def register(app: BranchApp) -> None:
    app.add_handler(CommandHandler("web", web_command))
