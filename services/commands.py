"""Every command, listed once: its name, who answers it, and what it does in Chinese and English.

The Telegram menu (setMyCommands), /help and the local chat's help are all generated from this list,
so a new command is one line here; no feature writes itself into the conversation service.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Awaitable, Callable, Iterable, Mapping

from engine.i18n import t
from services import cases

if TYPE_CHECKING:
    from services.conversation import Context
    from services.followup import FollowUp

Handler = Callable[["Context"], Awaitable[list]]

CASE_ID = ("编号", "ID")


@dataclass(frozen=True)
class CommandSpec:
    """One command; `handler` None means the conversation engine answers it (navigation)."""

    name: str
    zh: str
    en: str
    arg: tuple[str, str] | None = None  # what follows the command, (zh, en)
    handler: Handler | None = None
    in_menu: bool = True

    def description(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def usage(self, lang: str) -> str:
        arg = f" {self.arg[0] if lang == 'zh' else self.arg[1]}" if self.arg else ""
        return f"/{self.name}{arg}"


class Commands:
    """The registry: commands by name, plus the button values that a service (not the engine) answers."""

    def __init__(self, specs: Iterable[CommandSpec] = (), buttons: Mapping[str, Handler] | None = None) -> None:
        self.specs: dict[str, CommandSpec] = {}
        self.buttons: dict[str, Handler] = {}
        self.add(specs, buttons or {})

    def add(self, specs: Iterable[CommandSpec], buttons: Mapping[str, Handler] | None = None) -> None:
        """Called once at start-up, after the features that answer the commands exist."""
        for spec in specs:
            if spec.name in self.specs:
                raise ValueError(f"command /{spec.name} is listed twice")
            self.specs[spec.name] = spec
        self.buttons.update(buttons or {})

    def with_handler(self, name: str, handler: Handler) -> None:
        """Answer /name with another handler (tests stand in for slow features this way)."""
        self.specs[name] = replace(self.specs[name], handler=handler)

    def __contains__(self, name: object) -> bool:
        return name in self.specs

    def answered_here(self) -> list[str]:
        """The commands a service answers (the rest go to the engine)."""
        return [name for name, spec in self.specs.items() if spec.handler is not None]

    def handler(self, name: str) -> Handler | None:
        spec = self.specs.get(name)
        return spec.handler if spec else None

    def button(self, name: str) -> Handler | None:
        return self.buttons.get(name)

    def menu(self, lang: str) -> list[tuple[str, str]]:
        """(command, description) for a platform's command menu, in the order listed."""
        return [(s.name, s.description(lang)) for s in self.specs.values() if s.in_menu]

    def help_text(self, lang: str) -> str:
        """The command list /help shows: a header line, then one line per command."""
        lines = [f"{s.usage(lang)} {s.description(lang)}" for s in self.specs.values()]
        return "\n".join([t("help.header", lang), *lines])


def command_list(*, followup: FollowUp, export: Handler, rules: Handler) -> tuple[list[CommandSpec], dict[str, Handler]]:
    """The bot's commands in menu order, and the buttons answered outside the engine."""
    specs = [
        CommandSpec("start", "开始或继续", "Start, or pick up where you left off"),
        CommandSpec("new", "开始新的投诉", "Start a new complaint"),
        CommandSpec("cases", "我的投诉", "My cases", handler=cases.list_cases),
        CommandSpec("case", "查看投诉详情", "Show a case", CASE_ID, cases.show_case),
        CommandSpec("filed", "登记已提交的投诉", "Record that you filed a complaint", CASE_ID, followup.cmd_filed),
        CommandSpec("export", "导出证据包（PDF+ZIP）", "Export a case with its evidence (PDF + ZIP)", CASE_ID, export),
        CommandSpec("rules", "相关法规和规定", "The rules that protect you", ("CN|US|UK", "CN|US|UK"), rules),
        CommandSpec("timezone", "设置时区", "Set your time zone", ("地区/城市", "Area/City"), followup.cmd_timezone, in_menu=False),
        CommandSpec("cancel", "暂停（回答会保存）", "Pause (your answers are kept)"),
        CommandSpec("help", "帮助", "Help"),
        CommandSpec("lang", "切换语言 中文/English", "Switch language 中文/English"),
        CommandSpec("delete", "删除投诉及其文件", "Erase a case and its files", CASE_ID, cases.delete_case),
        CommandSpec("back", "上一步", "Go back one question"),
        CommandSpec("skip", "跳过这一题", "Skip this question"),
        CommandSpec("restart", "从第一题重新开始", "Start over from the first question"),
    ]
    buttons: dict[str, Handler] = {
        "_cases": cases.list_cases,
        "_delete": cases.delete_confirmed,
        "_keepcase": cases.delete_declined,
        "_rules": rules,
        **followup.buttons(),
    }
    return specs, buttons
