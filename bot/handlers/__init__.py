"""Telegram-facing feature modules. Each exports `register(app)`; `bot.app` calls them."""
