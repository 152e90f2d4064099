"""Webhook mode: the same bot, receiving updates over HTTP instead of polling."""

from __future__ import annotations

import dataclasses
import json
import socket
from pathlib import Path

import httpx

from bot.app import build_application, stop_application, webhook_settings
from bot.config import Config, WebhookConfig
from bot.testing.fakeapi import FakeBotApi
from bot.testing.harness import config_for_fake


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_webhook_mode_registers_and_answers(config: Config, tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        port = free_port()
        hook = WebhookConfig(listen="127.0.0.1", port=port, url="https://bot.example.org",
                             path="tg", secret="s3cret")
        cfg = config_for_fake(config, fake, tmp_path / "w.db")
        cfg = dataclasses.replace(cfg, telegram=dataclasses.replace(
            cfg.telegram, mode="webhook", webhook=hook))
        app = build_application(cfg)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        assert app.updater is not None
        await app.updater.start_webhook(**webhook_settings(cfg))
        await app.start()
        try:
            assert fake.webhook == {"url": "https://bot.example.org/tg",
                                    "secret_token": "s3cret"}
            user = fake.add_user(55, "游客")
            fake.opened_private.add(user.id)
            update = {"update_id": 1, "message": {
                "message_id": 1, "date": 0, "chat": {"id": 55, "type": "private",
                                                     "first_name": "游客"},
                "from": user.json(), "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}
            async with httpx.AsyncClient() as client:
                forged = await client.post(f"http://127.0.0.1:{port}/tg", json=update,
                                           headers={"X-Telegram-Bot-Api-Secret-Token": "x"})
                assert forged.status_code == 403
                ok = await client.post(f"http://127.0.0.1:{port}/tg", content=json.dumps(update),
                                       headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret",
                                                "Content-Type": "application/json"})
                assert ok.status_code == 200
            await fake.wait_for(lambda: bool(fake.bot_messages(user)))
            assert "还没有绑定身份" in fake.last_bot_message(user)["text"]
        finally:
            await stop_application(app)
