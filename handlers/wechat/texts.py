"""Texts only the WeChat adapter says (WeChat's own message kinds, menus, held reminders)."""
from __future__ import annotations

from typing import Any

from engine.i18n import render

WECHAT_TEXTS: dict[str, dict[str, str]] = {
    "reply_number": {"zh": "回复序号或选项文字即可。", "en": "Reply with the number or the words of an option."},
    "menu_tail": {"zh": "点选一项，或回复序号。", "en": "Tap one, or reply with its number."},
    "menu_more": {"zh": "（选项较多，下一条消息里还有）", "en": "(More options in the next message.)"},
    "menu_more_head": {"zh": "更多选项：", "en": "More options:"},
    "menu_tail_numbered": {"zh": "点选一项，或回复它前面的序号（如 3）。", "en": "Tap one, or reply with the number in front of it (e.g. 3)."},
    "stale_menu": {
        "zh": "这个选项已经失效了（问题已经变了）。请回答下面这个问题：",
        "en": "That option no longer works (the question has moved on). Please answer this one:",
    },
    "unsupported": {
        "zh": "{what}不能作为证据，我也读不出里面的内容。\n可以发送的证据：截图或照片、语音、视频、文件，以及粘贴的短信文字。\n号码、时间等请直接打字发给我。",
        "en": "I can't use {what} as evidence or read anything from it.\nEvidence I can keep: screenshots or photos, voice messages, videos, files, and pasted text messages.\nPlease type numbers, dates and times as text.",
    },
    "too_big": {
        "zh": "这个文件太大了，我最多能接收 {max}。可以剪出关键的一段、压缩后再发，或者发截图。",
        "en": "That file is too large; I can take files up to {max}. Please send a shorter clip, a compressed copy or a screenshot.",
    },
    "download_failed": {"zh": "这个文件没有接收成功，请再发一次。", "en": "I couldn't receive that file — please send it again."},
    "no_files": {
        "zh": "文件无法在微信里发送（{names}）；请用 Telegram 或本地版导出。",
        "en": "Files can't be sent over WeChat ({names}); export them through Telegram or the local chat.",
    },
    "held_reminder": {"zh": "你有一条跟进提醒：", "en": "You have a follow-up reminder:"},
    "template_title": {"zh": "你的投诉有一条跟进提醒", "en": "A follow-up reminder about your complaint"},
    "template_remark": {"zh": "给本公众号发任意消息即可查看并回复。", "en": "Send this account any message to see it and answer."},
}

WHAT: dict[str, dict[str, str]] = {
    "location": {"zh": "位置", "en": "locations"},
    "other": {"zh": "这类消息", "en": "this kind of message"},
}


def wt(key: str, lang: str, **values: Any) -> str:
    """An adapter text in `lang` (English fallback)."""
    return render(WECHAT_TEXTS, key, lang, **values)


def unsupported_text(kind: str, lang: str) -> str:
    return wt("unsupported", lang, what=render(WHAT, kind if kind in WHAT else "other", lang))
