"""What a test makes a user do: send, press a button by its label, share a contact, join,
leave, block the bot; each turned into the update Telegram would send."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlparse

from bot.testing.fakeapi.world import (
    Event,
    FakeChat,
    FakeUser,
    Json,
    World,
)


class UserActions(World):
    # -- what users do ------------------------------------------------------------------------

    def send(self, user: FakeUser, chat: FakeChat | int, text: str) -> Json:
        """The user types `text` in `chat` (a command if it starts with /)."""
        chat = self.chats[chat] if isinstance(chat, int) else chat
        msg = self._user_message(user, chat, text=text)
        if text.startswith("/"):
            command = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(command)}]
        self.events.append(Event("say", self.chat_label(chat.id), user.display, text))
        self._enqueue("message", msg)
        return msg

    def _user_message(self, user: FakeUser, chat: FakeChat, **content: Any) -> Json:
        if chat.type == "private":
            self.opened_private.add(user.id)
        msg: Json = {"message_id": self._next_message_id(chat.id), "date": self.now(),
                     "chat": chat.json(), "from": user.json(), **content}
        self.messages[(chat.id, msg["message_id"])] = msg
        return msg

    def send_file(self, user: FakeUser, chat: FakeChat | int, *, file_name: str | None = None,
                  photo: bool = False, caption: str = "", data: bytes = b"") -> Json:
        """The user sends a document (or a photo) with an optional caption; the bot can
        download `data` through getFile."""
        chat = self.chats[chat] if isinstance(chat, int) else chat
        file_id = f"user-file-{len(self.messages)}"
        self.files[file_id] = data
        content: Json = ({"photo": [{"file_id": file_id, "file_unique_id": file_id,
                                     "width": 800, "height": 600}]} if photo else
                         {"document": {"file_id": file_id, "file_unique_id": file_id,
                                       "file_name": file_name or "file.pdf",
                                       "file_size": len(data)}})
        if caption:
            content["caption"] = caption
        msg = self._user_message(user, chat, **content)
        label = "图片" if photo else f"文件 {file_name or ''}"
        self.events.append(Event("say", self.chat_label(chat.id), user.display,
                                 f"[{label}] {caption}"))
        self._enqueue("message", msg)
        return msg

    def forward(self, user: FakeUser, text: str, *, origin: FakeUser | None = None) -> Json:
        """The user forwards someone's message to the bot's private chat."""
        origin = origin or user
        msg = self._user_message(user, self.chats[user.id], text=text, forward_origin={
            "type": "user", "date": self.now(), "sender_user": origin.json()})
        self.events.append(Event("say", self.chat_label(user.id), user.display,
                                 f"[转发] {text}"))
        self._enqueue("message", msg)
        return msg

    def send_voice(self, user: FakeUser, seconds: int = 5) -> Json:
        msg = self._user_message(user, self.chats[user.id], voice={
            "file_id": f"voice-{len(self.messages)}", "file_unique_id": f"v{len(self.messages)}",
            "duration": seconds})
        self.events.append(Event("say", self.chat_label(user.id), user.display, "[语音]"))
        self._enqueue("message", msg)
        return msg

    def answer_poll(self, user: FakeUser, message: Json, option: int) -> Json:
        """The user picks `option` in a poll the bot sent (a quiz question)."""
        poll = message["poll"]
        self.events.append(Event("press", self.chat_label(message["chat"]["id"]), user.display,
                                 poll["options"][option]["text"]))
        return self._enqueue("poll_answer", {
            "poll_id": poll["id"], "user": user.json(), "option_ids": [option],
            "option_persistent_ids": [poll["options"][option]["persistent_id"]]})

    def share_contact(self, user: FakeUser, phone: str, *,
                      owner: FakeUser | None = None) -> Json:
        """The user taps the contact button (or forwards someone else's card: `owner`)."""
        owner = owner or user
        chat = self.chats[user.id]
        contact = {"phone_number": phone, "first_name": owner.first_name,
                   "user_id": owner.id}
        msg = self._user_message(user, chat, contact=contact)
        self.events.append(Event("say", self.chat_label(chat.id), user.display,
                                 f"[分享手机号 {phone}]"))
        self._enqueue("message", msg)
        return msg

    def press(self, user: FakeUser, message: Json, label: str) -> str:
        """Press the inline button showing `label`; returns the callback query id or, for
        a URL button, the URL."""
        current = self.message(message["chat"]["id"], message["message_id"])
        for row in (current.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] != label:
                    continue
                self.events.append(Event("press", self.chat_label(current["chat"]["id"]),
                                         user.display, label))
                if "url" in button:
                    return str(button["url"])
                return self.press_data(user, current, button["callback_data"], quiet=True)
        raise AssertionError(f"no button {label!r} on message: {current.get('text')!r}")

    def press_data(self, user: FakeUser, message: Json, data: str, *,
                   quiet: bool = False) -> str:
        """Send a callback query with any data, as a forged or stale button would."""
        query_id = str(next(self._query_ids))
        query = {"id": query_id, "from": user.json(), "message": message,
                 "chat_instance": str(message["chat"]["id"]), "data": data}
        self._open_queries[query_id] = query
        self._pressed_at[query_id] = time.perf_counter()
        if not quiet:
            self.events.append(Event("press", self.chat_label(message["chat"]["id"]),
                                     user.display, f"[data {data}]"))
        self._enqueue("callback_query", query)
        return query_id

    def open_link(self, user: FakeUser, url: str) -> Json:
        """Follow a t.me deep link: Telegram opens the private chat and sends /start."""
        parsed = urlparse(url)
        if parsed.path.strip("/") != self.bot.username:
            raise AssertionError(f"link is not for this bot: {url}")
        payload = parse_qs(parsed.query).get("start", [""])[0]
        return self.send(user, user.id, f"/start {payload}".strip())

    def add_bot_to_group(self, by: FakeUser, chat: FakeChat) -> Json:
        chat.bot_present = True
        chat.members.add(by.id)
        self.events.append(Event("say", self.chat_label(chat.id), by.display,
                                 "[把助手拉进了群]"))
        return self._enqueue("my_chat_member", {
            "chat": chat.json(), "from": by.json(), "date": self.now(),
            "old_chat_member": {"status": "left", "user": self.bot.json()},
            "new_chat_member": {"status": "member", "user": self.bot.json()},
        })

    def upgrade_to_supergroup(self, chat: FakeChat, new_id: int) -> FakeChat:
        """What Telegram does when a basic group becomes a supergroup."""
        new_chat = FakeChat(new_id, "supergroup", chat.title, members=set(chat.members),
                            bot_present=chat.bot_present)
        self.chats[new_id] = new_chat
        chat.bot_present = False
        anyone = self.users[next(iter(chat.members))] if chat.members else self.bot
        self._enqueue("message", self._user_message(anyone, chat, migrate_to_chat_id=new_id))
        self._enqueue("message", self._user_message(anyone, new_chat,
                                                    migrate_from_chat_id=chat.id))
        return new_chat

    def forge_migrated_from(self, by: FakeUser, chat: FakeChat, old_id: int) -> Json:
        """A message in `chat` claiming the group `old_id` was upgraded into it: what a
        forged update (or a stranger's own group) can carry."""
        return self._enqueue("message", self._user_message(by, chat,
                                                           migrate_from_chat_id=old_id))

    def join(self, user: FakeUser, chat: FakeChat) -> Json:
        """The user joins a group: Telegram posts a service message."""
        chat.members.add(user.id)
        self.events.append(Event("say", self.chat_label(chat.id), user.display, "[加入了群]"))
        return self._enqueue("message", self._user_message(
            user, chat, new_chat_members=[user.json()]))

    def leave(self, user: FakeUser, chat: FakeChat) -> Json:
        chat.members.discard(user.id)
        self.events.append(Event("say", self.chat_label(chat.id), user.display, "[退出了群]"))
        return self._enqueue("message", self._user_message(
            user, chat, left_chat_member=user.json()))

    def forget(self) -> None:
        """Drop what the fake recorded so far (long benchmarks measure the bot, not this)."""
        self.calls.clear()
        self.events.clear()
        self.toasts.clear()
        self.answer_latencies.clear()
        self.messages = {k: v for k, v in self.messages.items()
                         if v.get("from", {}).get("id") == self.bot.id and k[0] < 0}

    def block(self, user: FakeUser) -> None:
        self.blocked_by.add(user.id)

