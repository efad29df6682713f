"""The local chat: a person (or a script, with --json) talks to the bot in a terminal.

Human mode numbers the buttons so they can be answered by number or label; `/file PATH` attaches
evidence. JSON mode speaks one object per line both ways and is the integration point for tests.
"""
from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, TextIO

from engine.events import ButtonPress, Command, Event, FileInput, TextInput
from engine.replies import Reply
from services.conversation import ConversationService, Who
from services.evidence_intake import file_item

BUTTON_EXPECTS = {"choice", "choices", "confirm", "evidence", None}


@dataclass
class ConsoleProblem:
    """Input the console itself refuses (a path that is not a file), answered without the engine."""

    text_zh: str
    text_en: str

    def reply(self, lang: str) -> Reply:
        return Reply(self.text_zh if lang == "zh" else self.text_en, kind="error")


@dataclass
class ConsoleChat:
    service: ConversationService
    who: Who
    json_mode: bool
    out: TextIO = field(default_factory=lambda: sys.stdout)
    clock: Callable[[], datetime] | None = None
    last: Reply | None = None
    lang: str = "zh"

    def emit(self, replies: list[Reply]) -> None:
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

    async def greet(self) -> None:
        """On start: the current question after a restart, or a welcome for a person."""
        user = await self.service.user_for(self.who)
        self.lang = user.lang
        replies = await self.service.current_question(self.who)
        if replies:
            self.emit(replies)
        elif not self.json_mode:
            self.emit(await self.service.handle(self.who, Command("start")))

    async def line(self, raw: str) -> None:
        event = await self.parse(raw.rstrip("\r\n"))
        if event is None:
            return
        if isinstance(event, ConsoleProblem):
            user = await self.service.user_for(self.who)
            self.emit([event.reply(user.lang)])
            return
        self.emit(await self.service.handle(self.who, event))

    async def parse(self, raw: str) -> Event | ConsoleProblem | None:
        text = raw.strip()
        if self.json_mode and text.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError:
                data = None
            if isinstance(data, dict):
                if "button" in data:
                    return ButtonPress(str(data["button"]))
                if "file" in data:
                    return await self.file_event(str(data["file"]))
                if "text" in data:
                    return self.text_event(str(data["text"]))
        if text.startswith("/file"):
            return await self.file_event(text[5:].strip())
        if not self.json_mode and self.last is not None and self.last.expects in BUTTON_EXPECTS:
            button = self.button_named(text)
            if button is not None:
                return ButtonPress(button)
        return self.text_event(raw)

    def text_event(self, raw: str) -> Event:
        text = raw.strip()
        if text.startswith("/") and len(text) > 1 and not text.startswith("//"):
            name, _, arg = text[1:].partition(" ")
            return Command(name.split("@", 1)[0], arg)
        return TextInput(raw)

    def button_named(self, text: str) -> str | None:
        assert self.last is not None
        buttons = self.last.buttons
        if text.isdigit() and 1 <= int(text) <= len(buttons):
            return buttons[int(text) - 1].value
        for button in buttons:
            if text.lower() == button.label.lower():
                return button.value
        return None

    async def file_event(self, raw_path: str) -> Event | ConsoleProblem:
        raw_path = raw_path.strip().strip("'\"")
        if not raw_path:
            return ConsoleProblem("请在 /file 后写文件路径，例如 /file ~/截图.png", "Add a path after /file, e.g. /file ~/screenshot.png")
        path = Path(raw_path).expanduser()
        if not path.exists():
            return ConsoleProblem(f"找不到文件：{raw_path}", f"No file at {raw_path}")
        if path.is_dir():
            return ConsoleProblem(f"{raw_path} 是文件夹，请指定其中的一个文件。", f"{raw_path} is a folder — name one file inside it.")
        if not path.is_file():
            return ConsoleProblem(f"{raw_path} 不是普通文件。", f"{raw_path} is not a regular file.")
        try:
            now = self.service.clock()
            item = await file_item(path.resolve(), received_at=now, filename=path.name)
        except OSError as exc:
            return ConsoleProblem(f"读取失败：{exc.strerror}", f"Couldn't read it: {exc.strerror}")
        return FileInput(items=(item,))


async def run_console(service: ConversationService, who: Who, json_mode: bool, stdin: TextIO | None = None) -> None:
    """Read lines until end of input; each line is one event."""
    chat = ConsoleChat(service, who, json_mode)
    await chat.greet()
    stream = stdin or sys.stdin
    loop = asyncio.get_running_loop()
    while True:
        if not json_mode:
            sys.stdout.write("> ")
            sys.stdout.flush()
        raw = await loop.run_in_executor(None, stream.readline)
        if not raw:
            break
        await chat.line(raw)
