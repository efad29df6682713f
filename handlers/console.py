"""The local chat: a person (or a script, with --json) talks to the bot in a terminal.

Human mode numbers the buttons so they can be answered by number or label; `/file PATH` attaches
evidence. JSON mode speaks one object per line both ways and is the integration point for tests.
While the chat runs, reminders that fall due for its person are printed too (a 🔔 message, or a
JSON line with "reminder": true), and their buttons are answered like any other.
"""
from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Collection, Protocol, TextIO
from urllib.parse import unquote, urlparse

from engine.evidence import human_size
from engine.events import ButtonPress, Command, Event, FileInput, TextInput
from engine.i18n import render, t
from engine.model import EvidenceStep
from engine.replies import Reply
from handlers.kit.text import BUTTON_EXPECTS, button_for_text, command_or_text
from services.conversation import ConversationService, Who
from services.delivery import Outboxes
from services.evidence_intake import file_item
from services.outbox import OutboxSender



@dataclass
class ConsoleProblem:
    """Input the console itself refuses (a path that is not a file), answered without the engine."""

    text_zh: str
    text_en: str

    def reply(self, lang: str) -> Reply:
        return Reply(self.text_zh if lang == "zh" else self.text_en, kind="error")


@dataclass
class ConsoleChat:
    """One person's terminal; replies reach it through the outbox, so a reply the process died before
    printing is printed at the next start (from the queue, in order) instead of being lost."""

    service: ConversationService
    who: Who
    json_mode: bool
    out: TextIO = field(default_factory=lambda: sys.stdout)
    last: Reply | None = None
    lang: str = "zh"
    # No --lang given: a new person's first typed words decide the language.
    guess_lang: bool = False
    outbox: OutboxSender = field(init=False)

    def __post_init__(self) -> None:
        self.outbox = OutboxSender(self.service.store, self.who.platform, self.show)
        self.service.outbox_platforms.add(self.who.platform)

    async def show(self, chat_id: str, reply: Reply) -> None:
        """The outbox's `send`: print one reply (a broken terminal raises, and the reply stays queued)."""
        self.emit([reply])

    def emit(self, replies: list[Reply]) -> None:
        replies = [self.with_file_hint(r) for r in replies]
        for reply in replies:
            if self.json_mode:
                self.out.write(json.dumps(reply.to_dict(), ensure_ascii=False) + "\n")
            else:
                self.out.write("\n" + reply.text + "\n")
                for path in reply.attachments:
                    self.out.write(f"  📎 {path}\n")
                for i, button in enumerate(reply.buttons, 1):
                    self.out.write(f"  [{i}] {button.label}\n")
            if reply.buttons or reply.expects:
                self.last = reply
        self.out.flush()

    def emit_reminder(self, replies: list[Reply]) -> None:
        """A message the bot starts itself, printed between the person's turns."""
        if self.json_mode:
            for reply in replies:
                self.out.write(json.dumps({**reply.to_dict(), "reminder": True}, ensure_ascii=False) + "\n")
            self.out.flush()
            return
        self.emit([replace(r, text=f"🔔 {r.text}") if i == 0 else r for i, r in enumerate(replies)])
        self.out.write("> ")
        self.out.flush()

    def with_file_hint(self, reply: Reply) -> Reply:
        """Where evidence is asked for, say how files get into a terminal (/file or a dragged path)."""
        if reply.expects != "evidence":
            return reply
        return replace(reply, text=reply.text + "\n" + console_text("file_hint", self.lang))

    async def greet(self) -> None:
        """On start: replies the last run never printed; else the current question, or a welcome."""
        user = await self.service.user_for(self.who)
        self.lang = user.lang
        self.guess_lang = self.guess_lang and await self.service.is_new_person(self.who)
        if await self.outbox.resume(self.who.external_id):
            return
        replies = await self.service.current_question(self.who)
        if replies:
            self.emit(replies)
        elif not self.json_mode:
            await self.handle(Command("start"))

    async def line(self, raw: str) -> None:
        event = await self.parse(raw.rstrip("\r\n"))
        if event is None:
            return
        if isinstance(event, TextInput) and self.guess_lang:
            await self.decide_language(event.text)
        if isinstance(event, ConsoleProblem):
            user = await self.service.user_for(self.who)
            self.emit([event.reply(user.lang)])
            return
        await self.handle(event)
        if isinstance(event, Command) and event.name.lower() == "help":
            self.emit([Reply(console_text("help", self.lang))])

    async def decide_language(self, text: str) -> None:
        """Without --lang, a new person's first words choose the language: Chinese typed, Chinese answered."""
        lang = script_of(text)
        if lang is None:
            return
        self.guess_lang = False
        if lang != self.lang:
            await self.service.set_language(self.who, lang)
            self.lang = lang

    async def handle(self, event: Event) -> None:
        """Apply the event, then print its replies from the outbox (only this chat's own: another
        terminal of the same person prints the replies of its own events)."""
        result = await self.service.handle_full(self.who, event)
        if not result.queued:
            self.emit(result.replies)
        elif result.outbox:
            await self.outbox.drain(self.who.external_id, result.outbox)

    async def parse(self, raw: str) -> Event | ConsoleProblem | None:
        text = raw.strip()
        if self.json_mode and text.startswith("{"):
            try:
                data = json.loads(text)
            except (ValueError, RecursionError):
                # Not JSON (or nested too deep for the parser): it is read as typed text below.
                data = None
            if isinstance(data, dict):
                if "button" in data:
                    return ButtonPress(str(data["button"]))
                if "file" in data:
                    if not isinstance(data["file"], str):
                        return ConsoleProblem("\"file\" 应该是文件路径（字符串）。", '"file" must be a path (a string).')
                    return await self.file_event(data["file"])
                if "text" in data:
                    return self.text_event(str(data["text"]))
        if text == "/file" or text.startswith(("/file ", "/file\t")):
            return await self.file_event(text[5:].strip())
        if looks_like_path(text):
            return await self.file_event(text)
        if not self.json_mode and self.last is not None and self.last.expects in BUTTON_EXPECTS:
            button = self.button_named(text)
            if button is not None:
                return ButtonPress(button)
        return self.text_event(raw)

    def text_event(self, raw: str) -> Event:
        return command_or_text(raw)

    def button_named(self, text: str) -> str | None:
        assert self.last is not None
        return button_for_text(self.last.buttons, text)

    async def file_event(self, raw_path: str) -> Event | ConsoleProblem:
        raw_path = unquote_path(raw_path)
        if not raw_path:
            return ConsoleProblem("请在 /file 后写文件路径，例如 /file ~/截图.png", "Add a path after /file, e.g. /file ~/screenshot.png")
        shown = raw_path if len(raw_path) <= 80 else raw_path[:77] + "…"
        shown = shown.encode("utf-8", "replace").decode("utf-8")
        try:
            path = Path(raw_path).expanduser()
            if not path.exists():
                return ConsoleProblem(f"找不到文件：{shown}", f"No file at {shown}")
            if path.is_dir():
                return ConsoleProblem(f"{shown} 是文件夹，请指定其中的一个文件。", f"{shown} is a folder — name one file inside it.")
            if not path.is_file():
                return ConsoleProblem(f"{shown} 不是普通文件。", f"{shown} is not a regular file.")
            size = path.stat().st_size
            limit = self.evidence_limit()
            if limit is not None and size > limit:
                # Refused by its size before a single byte is hashed (a 2 GB file took 6.5 s).
                values = {"size": human_size(size), "max": human_size(limit)}
                return ConsoleProblem(t("error.evidence_size", "zh", **values), t("error.evidence_size", "en", **values))
            now = self.service.clock()
            item = await file_item(path.resolve(), received_at=now, filename=path.name)
        except (OSError, ValueError) as exc:
            # A name too long (ENAMETOOLONG), one the file system cannot encode (a lone surrogate), …
            why = getattr(exc, "strerror", None) or "invalid path"
            return ConsoleProblem(f"无法读取这个路径：{why}", f"Couldn't read that path: {why}")
        return FileInput(items=(item,))

    def evidence_limit(self) -> int | None:
        """The largest file the flow's evidence step accepts, in bytes."""
        step = next((s for s in self.service.engine.flow.steps if isinstance(s, EvidenceStep)), None)
        return int(step.max_size_mb * 1024 * 1024) if step else None


CONSOLE_TEXTS = {
    "file_hint": {
        "zh": "（本地聊天：发送 /file 文件路径，或把文件拖进这个窗口后按回车。）",
        "en": "(Local chat: send /file PATH, or drag the file into this window and press Enter.)",
    },
    "help": {
        "zh": "本地聊天：/file 路径 添加证据文件（也可以直接粘贴或拖入文件路径）。",
        "en": "Local chat: /file PATH attaches an evidence file (or paste / drag the file's path in).",
    },
}


def console_text(key: str, lang: str) -> str:
    return render(CONSOLE_TEXTS, key, lang)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def script_of(text: str) -> str | None:
    """The language a text is written in, as far as its script tells: zh, en, or None (digits only)."""
    if _CJK.search(text):
        return "zh"
    if _LATIN.search(text):
        return "en"
    return None


def unquote_path(raw: str) -> str:
    """A path as a terminal pastes or drags it: quoted, as a file:// URL, or with backslash-escaped spaces."""
    text = raw.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    if text.startswith("file://"):
        parsed = urlparse(text)
        return unquote(parsed.path)
    return re.sub(r"\\(.)", r"\1", text) if "\\" in text else text


def looks_like_path(text: str) -> bool:
    """A line that is only a file path, pasted or dragged in (/a/b.png, ~/x.png, file://..., quoted)."""
    candidate = unquote_path(text)
    if "\n" in candidate or not candidate:
        return False
    if candidate != text.strip() or candidate.startswith(("~/", "./", "../")):
        return True
    head = candidate.split(" ", 1)[0]
    # "/new" is a command; "/home/me/shot.png" (a second slash in its first word) is a path.
    return candidate.startswith("/") and "/" in head[1:]


@dataclass
class ConsoleOutbox:
    """Delivers due reminders to the person in this terminal (the only one the chat serves)."""

    chat: ConsoleChat

    async def deliver(self, external_id: str, replies: list[Reply]) -> bool:
        if external_id != self.chat.who.external_id:
            return False
        self.chat.emit_reminder(replies)
        return True


class Background(Protocol):
    """What the local chat needs from the app to show reminders: an outbox registry and the loop."""

    outboxes: Outboxes

    async def start_background(self, users: Collection[int] | None = None) -> None: ...

    async def stop_background(self) -> None: ...


async def run_console(
    service: ConversationService,
    who: Who,
    json_mode: bool,
    stdin: TextIO | None = None,
    background: Background | None = None,
    guess_lang: bool = False,
) -> None:
    """Read lines until end of input; each line is one event. With `background`, reminders show up too.
    With `guess_lang`, a new person's first typed words choose the language."""
    stream = stdin or sys.stdin
    for text_stream in (stream, sys.stdout):
        # Bytes that are not valid in the terminal's encoding become U+FFFD instead of ending the chat.
        reconfigure = getattr(text_stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    chat = ConsoleChat(service, who, json_mode, guess_lang=guess_lang)
    await chat.greet()
    if background is not None:
        user = await service.user_for(who)
        background.outboxes.register(who.platform, ConsoleOutbox(chat))
        await background.start_background(users=[user.id])
    loop = asyncio.get_running_loop()
    try:
        while True:
            if not json_mode:
                sys.stdout.write("> ")
                sys.stdout.flush()
            raw = await loop.run_in_executor(None, stream.readline)
            if not raw:
                break
            await chat.line(raw)
    finally:
        if background is not None:
            await background.stop_background()
