"""Texts only the Telegram adapter says (things Telegram can send that the engine never sees)."""
from __future__ import annotations

from typing import Any

from engine.i18n import render

ACCEPTED = {
    "zh": "可以发送的证据：截图或照片（可一次发多张）、PDF、录音或语音、视频，以及转发或直接粘贴的短信文字。",
    "en": "Evidence I can keep: screenshots or photos (several at once is fine), PDFs, recordings or voice messages, videos, and forwarded or pasted text messages.",
}

TELEGRAM_TEXTS: dict[str, dict[str, str]] = {
    "unsupported": {
        "zh": "{what}不能作为证据，我也读不出里面的内容。\n" + ACCEPTED["zh"] + "\n号码、时间等请直接打字发给我。",
        "en": "I can't use {what} as evidence or read anything from it.\n" + ACCEPTED["en"] + "\nPlease type numbers, dates and times as text.",
    },
    "too_big": {
        "zh": "这个文件太大了（{size}），我最多能接收 {max}。可以剪出关键的一段、压缩后再发，或者发截图。\n" + ACCEPTED["zh"],
        "en": "That file is too large ({size}); I can take files up to {max}. Please send a shorter clip, a compressed copy or a screenshot.\n" + ACCEPTED["en"],
    },
    "too_big_unknown": {
        "zh": "这个文件太大了，我最多能接收 {max}。可以剪出关键的一段、压缩后再发，或者发截图。",
        "en": "That file is too large; I can take files up to {max}. Please send a shorter clip, a compressed copy or a screenshot.",
    },
    "download_failed": {
        "zh": "这个文件没有接收成功，请再发一次。",
        "en": "I couldn't receive that file — please send it again.",
    },
    "unsent_files": {
        "zh": "有 {count} 个文件太大或已不存在，无法在这里发送：{names}",
        "en": "{count} file(s) are too large to send here, or no longer exist: {names}",
    },
    "closed": {
        "zh": "这个按钮已失效。",
        "en": "This button no longer works.",
    },
}

WHAT: dict[str, dict[str, str]] = {
    "sticker": {"zh": "贴纸", "en": "stickers"},
    "location": {"zh": "位置", "en": "locations"},
    "venue": {"zh": "地点", "en": "places"},
    "contact": {"zh": "联系人名片", "en": "contact cards"},
    "poll": {"zh": "投票", "en": "polls"},
    "dice": {"zh": "骰子等小游戏", "en": "dice and games"},
    "game": {"zh": "游戏", "en": "games"},
    "story": {"zh": "动态", "en": "stories"},
    "other": {"zh": "这类消息", "en": "this kind of message"},
}


def tt(key: str, lang: str, **values: Any) -> str:
    """An adapter text in `lang` (English fallback)."""
    return render(TELEGRAM_TEXTS, key, lang, **values)


def unsupported_text(kind: str, lang: str) -> str:
    what = render(WHAT, kind if kind in WHAT else "other", lang)
    return tt("unsupported", lang, what=what)
