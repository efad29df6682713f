"""Engine replies as WeChat messages: text pieces, menu messages (msgmenu) or numbered options.

WeChat has no inline keyboards. A question with options goes out as a customer-service menu
message whose item ids are the kit's step-bound button data ("{seq}|{value}"), so a tap (a text
push carrying `bizmsgmenuid`) on an older question is refused as stale. A menu takes at most 10
items (more is refused with 45098, "msgmenu list size is out of limit"), so more options go out as
several menus one after another, their items numbered across them so a typed number picks the same
one (the last menu says so); beyond MAX_MENUS, or with a label too long for an item, as numbered
text, answered by number or by words.
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
# Each menu is one custom message, and a tap on a menu item allows only 3 of them within a minute (the
# customer-service message rules: a menu tap counts as a custom-menu click), so at most two menus.
MAX_MENUS = 2
MAX_LABEL = 60


@dataclass(frozen=True)
class Outgoing:
    """One customer-service message; `text` is set when it is plain text (fit for a passive reply)."""

    body: dict[str, Any]
    text: str | None = None


def text_message(text: str) -> Outgoing:
    return Outgoing({"msgtype": "text", "text": {"content": text}}, text)


def menu_items(buttons: tuple[Button, ...], seq: int | None) -> list[list[dict[str, str]]] | None:
    """The buttons as the items of one menu, or of several of at most MAX_MENU_ITEMS each with every item
    numbered as a typed number counts it ("11. ✏️ …"); None when they do not fit MAX_MENUS menus."""
    if len(buttons) > MAX_MENU_ITEMS * MAX_MENUS:
        return None
    several = len(buttons) > MAX_MENU_ITEMS
    items = []
    for number, button in enumerate(buttons, 1):
        item_id = encode_button(button.value, seq)
        content = f"{number}. {button.label}" if several else button.label
        if item_id is None or len(content) > MAX_LABEL:
            return None
        items.append({"id": item_id, "content": content})
    return [items[i: i + MAX_MENU_ITEMS] for i in range(0, len(items), MAX_MENU_ITEMS)]


def numbered(buttons: tuple[Button, ...], lang: str) -> str:
    lines = [f"{n}. {b.label}" for n, b in enumerate(buttons, 1)]
    return "\n".join(lines + [wt("reply_number", lang)])


def render(reply: Reply, lang: str, menus: bool = True) -> list[Outgoing]:
    """One reply as the messages that show it, in order (options numbered in text without `menus`)."""
    if not reply.buttons:
        out = [text_message(piece) for piece in split_text(reply.text, MAX_TEXT)]
    else:
        lists = menu_items(reply.buttons, reply.seq) if menus else None
        if lists is None:
            out = [text_message(piece) for piece in split_text(reply.text + "\n\n" + numbered(reply.buttons, lang), MAX_TEXT)]
        else:
            pieces = split_text(reply.text, MAX_TEXT) or [""]
            out = [text_message(piece) for piece in pieces[:-1]]
            out += [Outgoing({"msgtype": "msgmenu", "msgmenu": menu}) for menu in _menus(pieces[-1], lists, lang)]
    if reply.attachments:
        names = ", ".join(name.rsplit("/", 1)[-1] for name in reply.attachments)
        out.append(text_message(wt("no_files", lang, names=names)))
    return out


def _menus(head: str, lists: list[list[dict[str, str]]], lang: str) -> list[dict[str, Any]]:
    """The msgmenu bodies: the question heads the first; a menu followed by another says more options come,
    and the last of several says its numbers can be typed."""
    if len(lists) == 1:
        return [{"head_content": head + "\n", "list": lists[0], "tail_content": "\n" + wt("menu_tail", lang)}]
    bodies = []
    for index, items in enumerate(lists):
        last = index == len(lists) - 1
        bodies.append({
            "head_content": (head if index == 0 else wt("menu_more_head", lang)) + "\n",
            "list": items,
            "tail_content": "\n" + wt("menu_tail_numbered" if last else "menu_more", lang),
        })
    return bodies


def render_all(replies: list[Reply], lang: str, menus: bool = True) -> list[Outgoing]:
    return [message for reply in replies for message in render(reply, lang, menus)]


def one_text(replies: list[Reply], lang: str) -> str:
    """Everything as one text (a passive reply is all there is without the customer-service API)."""
    texts = [m.text for m in render_all(replies, lang, menus=False) if m.text]
    return split_text("\n\n".join(texts), MAX_TEXT)[0] if texts else ""
