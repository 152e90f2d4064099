"""The Bot API methods the bot calls, answered as Telegram would, with its flood limits
when they are set."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from bot.testing.fakeapi.faults import Faults
from bot.testing.fakeapi.world import (
    _LIMITED,
    _WITH_FILES,
    ApiError,
    Event,
    FakeChat,
    Json,
    _labels,
    bad_request,
)


class BotApiMethods(Faults):
    # -- the Bot API ---------------------------------------------------------------------------

    def _check_limits(self, method: str, params: Json) -> None:
        if self.limits is None or method.lower() not in _LIMITED:
            return
        per_second, per_minute = self.limits
        now = time.monotonic()
        self._sent_at = [t for t in self._sent_at if now - t < 1.0]
        chat_id = _int(params.get("chat_id"), 0)
        group = self._group_sent_at.setdefault(chat_id, []) if chat_id < 0 else None
        if group is not None:
            group[:] = [t for t in group if now - t < 60.0]
        if len(self._sent_at) >= per_second:
            self.too_many += 1
            raise ApiError(429, "Too Many Requests: retry after 1", 1)
        if group is not None and len(group) >= per_minute:
            self.too_many += 1
            wait = max(1, int(60.0 - (now - group[0])) + 1)
            raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
        self._sent_at.append(now)
        if group is not None:
            group.append(now)

    async def handle(self, method: str, params: Json, files: dict[str, str]) -> Any:
        await self._apply_faults(method)
        self._chaos_fault(method, params)
        self._check_limits(method, params)
        handler = getattr(self, f"api_{method.lower()}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        if method.lower() == "getupdates":
            return await handler(params)
        return handler(params, files) if method.lower() in _WITH_FILES else handler(params)

    def api_getme(self, p: Json) -> Json:
        return {**self.bot.json(), "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    def api_deletewebhook(self, p: Json) -> bool:
        self.webhook = None
        return True

    def api_setwebhook(self, p: Json) -> bool:
        url = str(p.get("url") or "")
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": url, "secret_token": p.get("secret_token")}
        return True

    def api_logout(self, p: Json) -> bool:
        return True

    async def api_getupdates(self, p: Json) -> list[Json]:
        if self.first_poll_at is None:
            self.first_poll_at = time.perf_counter()
        offset = _int(p.get("offset"), 0)
        timeout = float(p.get("timeout") or 0)
        limit = _int(p.get("limit"), 100)
        if offset:
            self._confirmed = max(self._confirmed, offset - 1)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._notify()

        def pending() -> list[Json]:
            return [u for u in self._updates if u["update_id"] >= offset][:limit]

        if not pending() and timeout > 0:
            async with self._changed:
                try:
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(pending()) or self._stopping),
                        timeout)
                except TimeoutError:
                    return []
        return pending()

    def _chat_for_sending(self, p: Json) -> FakeChat:
        chat_id = _int(p.get("chat_id"), None)
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.type == "private":
            if chat.id in self.blocked_by:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat.id not in self.opened_private:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif not chat.bot_present:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        elif not chat.bot_may_post:
            raise bad_request("not enough rights to send text messages to the chat")
        return chat

    def _bot_message(self, chat: FakeChat, p: Json, kind: str, **content: Any) -> Json:
        msg: Json = {"message_id": self._next_message_id(chat.id), "date": self.now(),
                     "chat": chat.json(), "from": self.bot.json(), **content}
        markup = _json(p.get("reply_markup"))
        if markup:
            msg["reply_markup"] = markup
        self.messages[(chat.id, msg["message_id"])] = msg
        text = (content.get("text") or content.get("caption")
                or content.get("document", {}).get("file_name") or "")
        self.events.append(Event(kind, self.chat_label(chat.id), self.bot.first_name, text,
                                 _labels(markup)))
        return msg

    def api_sendmessage(self, p: Json) -> Json:
        chat = self._chat_for_sending(p)
        text = str(p.get("text") or "")
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > 4096:
            raise bad_request("message is too long")
        msg = self._bot_message(chat, p, "bot", text=text)
        if (markup := _json(p.get("reply_markup"))) and "inline_keyboard" not in markup:
            msg.pop("reply_markup")  # reply keyboards are not part of the message
            msg["_reply_keyboard"] = markup
        return msg

    def _editable(self, p: Json) -> Json:
        key = (_int(p.get("chat_id"), 0), _int(p.get("message_id"), 0))
        if key not in self.messages or key in self.deleted:
            raise bad_request("message to edit not found")
        msg = self.messages[key]
        if msg["from"]["id"] != self.bot.id:
            raise bad_request("message can't be edited")
        return msg

    def api_editmessagetext(self, p: Json) -> Json:
        msg = self._editable(p)
        text = str(p.get("text") or "")
        markup = _json(p.get("reply_markup"))
        if text == msg.get("text") and markup == msg.get("reply_markup"):
            raise bad_request("message is not modified: specified new message content and "
                              "reply markup are exactly the same as a current content and "
                              "reply markup of the message")
        msg["text"] = text
        return self._edited(msg, markup)

    def _edited(self, msg: Json, markup: Json | None) -> Json:
        """The new markup (or none) on an edited message, its date and the event."""
        if markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        msg["edit_date"] = self.now()
        self.events.append(Event("edit", self.chat_label(msg["chat"]["id"]),
                                 self.bot.first_name, msg.get("text", ""), _labels(markup)))
        return msg

    def api_editmessagereplymarkup(self, p: Json) -> Json:
        msg = self._editable(p)
        markup = _json(p.get("reply_markup"))
        if markup == msg.get("reply_markup"):
            raise bad_request("message is not modified")
        return self._edited(msg, markup)

    def api_answercallbackquery(self, p: Json) -> bool:
        pressed = self._pressed_at.pop(str(p.get("callback_query_id")), None)
        if pressed is not None:
            self.answer_latencies.append(time.perf_counter() - pressed)
        query = self._open_queries.pop(str(p.get("callback_query_id")), None)
        if query is None:
            raise bad_request("query is too old and response timeout expired or query ID "
                              "is invalid")
        toast = {"user_id": query["from"]["id"], "text": str(p.get("text") or ""),
                 "show_alert": _json(p.get("show_alert")) is True, "url": p.get("url"),
                 "query_id": query["id"]}
        self.toasts.append(toast)
        user = self.users.get(query["from"]["id"])
        self.events.append(Event("toast", self.chat_label(query["message"]["chat"]["id"]),
                                 user.display if user else "?", toast["text"]))
        return True

    def api_deletemessage(self, p: Json) -> bool:
        key = (_int(p.get("chat_id"), 0), _int(p.get("message_id"), 0))
        if key not in self.messages or key in self.deleted:
            raise bad_request("message to delete not found")
        self.deleted.add(key)
        self.events.append(Event("delete", self.chat_label(key[0]), self.bot.first_name,
                                 self.messages[key].get("text", "")))
        return True

    def api_setmycommands(self, p: Json) -> bool:
        scope = _json(p.get("scope")) or {"type": "default"}
        self.commands[json.dumps(scope, sort_keys=True)] = _json(p.get("commands")) or []
        return True

    def api_deletemycommands(self, p: Json) -> bool:
        scope = _json(p.get("scope")) or {"type": "default"}
        self.commands.pop(json.dumps(scope, sort_keys=True), None)
        return True

    def api_getmycommands(self, p: Json) -> list[Json]:
        scope = _json(p.get("scope")) or {"type": "default"}
        return self.commands.get(json.dumps(scope, sort_keys=True), [])

    def commands_for_scope(self, scope: Json) -> list[str]:
        return [c["command"] for c in self.commands.get(json.dumps(scope, sort_keys=True), [])]

    def api_getfile(self, p: Json) -> Json:
        file_id = str(p.get("file_id") or "")
        if file_id not in self.files:
            raise bad_request("invalid file_id")
        return {"file_id": file_id, "file_unique_id": file_id,
                "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}

    def api_senddocument(self, p: Json, files: dict[str, str]) -> Json:
        chat = self._chat_for_sending(p)
        name = files.get("document") or str(p.get("document") or "file")
        doc = {"file_id": f"doc-{len(self.calls)}", "file_unique_id": f"u{len(self.calls)}",
               "file_name": name}
        return self._bot_message(chat, p, "document", document=doc,
                                 caption=str(p.get("caption") or ""))

    def api_sendphoto(self, p: Json, files: dict[str, str]) -> Json:
        chat = self._chat_for_sending(p)
        photo = [{"file_id": f"photo-{len(self.calls)}", "file_unique_id": f"p{len(self.calls)}",
                  "width": 800, "height": 600}]
        return self._bot_message(chat, p, "photo", photo=photo,
                                 caption=str(p.get("caption") or ""))

    def api_sendpoll(self, p: Json) -> Json:
        chat = self._chat_for_sending(p)
        options = [o if isinstance(o, str) else o.get("text", "")
                   for o in _json(p.get("options")) or []]
        poll = {"id": f"poll-{len(self.calls)}", "question": str(p.get("question") or ""),
                "options": [{"text": o, "voter_count": 0, "persistent_id": str(i)}
                            for i, o in enumerate(options)],
                "total_voter_count": 0, "is_closed": False,
                "is_anonymous": _json(p.get("is_anonymous")) is not False,
                "type": str(p.get("type") or "regular"), "allows_multiple_answers": False,
                "allows_revoting": False, "members_only": False}
        if p.get("correct_option_ids") is not None:
            poll["correct_option_ids"] = _json(p.get("correct_option_ids"))
        return self._bot_message(chat, p, "poll", poll=poll)

    def api_leavechat(self, p: Json) -> bool:
        chat = self.chats.get(_int(p.get("chat_id"), 0))
        if chat is None or not chat.bot_present:
            raise bad_request("chat not found")
        chat.bot_present = False
        self.events.append(Event("leave", self.chat_label(chat.id), self.bot.first_name))
        return True

    def api_getchat(self, p: Json) -> Json:
        chat = self.chats.get(_int(p.get("chat_id"), 0))
        if chat is None:
            raise bad_request("chat not found")
        return {**chat.json(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}

    def api_getchatmember(self, p: Json) -> Json:
        chat = self.chats.get(_int(p.get("chat_id"), 0))
        user = self.users.get(_int(p.get("user_id"), 0))
        if chat is None:
            raise bad_request("chat not found")
        if user is None:
            raise bad_request("user not found")
        present = user.id in chat.members or (chat.type == "private" and chat.id == user.id)
        return {"status": "member" if present else "left", "user": user.json()}



def _int(value: Any, default: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _json(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
