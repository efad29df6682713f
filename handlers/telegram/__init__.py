"""The Telegram adapter: python-telegram-bot over an aiohttp transport, journaled updates, ordered chats."""
