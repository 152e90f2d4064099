"""The Telegram side of the features: the words and buttons a message carries, finding a
person by name, and sending privately. Rules stay in `bot.services`."""
