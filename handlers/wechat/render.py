"""Engine replies as WeChat messages: text pieces, menu messages (msgmenu) or numbered options.

WeChat has no inline keyboards. A question with options goes out as a customer-service menu
message whose item ids are the kit's step-bound button data ("{seq}|{value}"), so a tap (a text
push carrying `bizmsgmenuid`) on an older question is refused as stale. A question whose options
do not fit a menu goes out as numbered text, answered by number or by words.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.replies import Button, Reply
from handlers.kit.buttons import encode_button
from handlers.kit.split import split_text
from handlers.wechat.texts import wt

# WeChat takes 2048 bytes of text in a message; 680 UTF-16 units stay under it even all in CJK.
MAX_TEXT = 680
MAX_MENU_ITEMS = 10
MAX_LABEL = 60


@dataclass(frozen=True)
class Outgoing:
    """One customer-service message; `text` is set when it is plain text (fit for a passive reply)."""

    body: dict[str, Any]
    text: str | None = None


def text_message(text: str) -> Outgoing:
    return Outgoing({"msgtype": "text", "text": {"content": text}}, text)


def menu_items(buttons: tuple[Button, ...], seq: int | None) -> list[dict[str, str]] | None:
    """The buttons as msgmenu items, or None when they do not fit one menu."""
    if len(buttons) > MAX_MENU_ITEMS:
        return None
    items = []
    for button in buttons:
        item_id = encode_button(button.value, seq)
        if item_id is None or len(button.label) > MAX_LABEL:
            return None
        items.append({"id": item_id, "content": button.label})
    return items


def numbered(buttons: tuple[Button, ...], lang: str) -> str:
    lines = [f"{n}. {b.label}" for n, b in enumerate(buttons, 1)]
    return "\n".join(lines + [wt("reply_number", lang)])


def render(reply: Reply, lang: str, menus: bool = True) -> list[Outgoing]:
    """One reply as the messages that show it, in order (options numbered in text without `menus`)."""
    if not reply.buttons:
        out = [text_message(piece) for piece in split_text(reply.text, MAX_TEXT)]
    else:
        items = menu_items(reply.buttons, reply.seq) if menus else None
        if items is None:
            out = [text_message(piece) for piece in split_text(reply.text + "\n\n" + numbered(reply.buttons, lang), MAX_TEXT)]
        else:
            pieces = split_text(reply.text, MAX_TEXT) or [""]
            menu = {"head_content": pieces[-1] + "\n", "list": items, "tail_content": "\n" + wt("menu_tail", lang)}
            out = [text_message(piece) for piece in pieces[:-1]]
            out.append(Outgoing({"msgtype": "msgmenu", "msgmenu": menu}))
    if reply.attachments:
        names = ", ".join(name.rsplit("/", 1)[-1] for name in reply.attachments)
        out.append(text_message(wt("no_files", lang, names=names)))
    return out


def render_all(replies: list[Reply], lang: str, menus: bool = True) -> list[Outgoing]:
    return [message for reply in replies for message in render(reply, lang, menus)]


def one_text(replies: list[Reply], lang: str) -> str:
    """Everything as one text (a passive reply is all there is without the customer-service API)."""
    texts = [m.text for m in render_all(replies, lang, menus=False) if m.text]
    return split_text("\n\n".join(texts), MAX_TEXT)[0] if texts else ""
