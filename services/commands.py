"""Every command, listed once: its name, who answers it, and what it does in Chinese and English.

The Telegram menu (setMyCommands), /help, the WeChat custom menu, the commands WeChat understands
typed without their slash, and the local chat's help are all generated from this list, so a new
command is one line here. What else the features answer (buttons, a typed text they asked for, the
question under a finished draft) is handed over here too: no feature writes itself into the
conversation service.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Awaitable, Callable, Iterable, Mapping

from engine.i18n import t
from services import cases

if TYPE_CHECKING:
    from services.conversation import Context
    from services.followup import FollowUp

Handler = Callable[["Context"], Awaitable[list]]
# Called once a case is finished, with the case id; may add replies under the draft.
CaseHook = Callable[["Context", int], Awaitable[list]]

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
    # Where there is no command menu to tap (WeChat), the name typed alone ("cases") is the command,
    # and so is each of these whole messages ("我的投诉", "my cases").
    typed_bare: bool = False
    words: tuple[str, ...] = ()
    # A short label (zh, en) for a menu with room for a few buttons (WeChat's custom menu).
    menu_label: tuple[str, str] | None = None

    def description(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def usage(self, lang: str) -> str:
        arg = f" {self.arg[0] if lang == 'zh' else self.arg[1]}" if self.arg else ""
        return f"/{self.name}{arg}"

    @property
    def takes_case(self) -> bool:
        """Its argument is a case number, so "case 3" typed without the slash is the command too."""
        return self.arg == CASE_ID


@dataclass(frozen=True)
class Features:
    """What the features answer outside the engine, handed to the registry at start-up."""

    specs: list[CommandSpec]
    # Button values by prefix ("_filed" answers "_filed:3").
    buttons: dict[str, Handler] = field(default_factory=dict)
    # A text typed while the session's `pending["kind"]` is set, by kind.
    pending: dict[str, Handler] = field(default_factory=dict)
    case_ready: list[CaseHook] = field(default_factory=list)


class Commands:
    """The registry: commands by name, and what else the services (not the engine) answer."""

    def __init__(self, specs: Iterable[CommandSpec] = (), buttons: Mapping[str, Handler] | None = None) -> None:
        self.specs: dict[str, CommandSpec] = {}
        self.buttons: dict[str, Handler] = {}
        self.pending: dict[str, Handler] = {}
        self.case_ready: list[CaseHook] = []
        self.add(Features(list(specs), dict(buttons or {})))

    def add(self, features: Features) -> None:
        """Called once at start-up, after the features that answer the commands exist."""
        for spec in features.specs:
            if spec.name in self.specs:
                raise ValueError(f"command /{spec.name} is listed twice")
            self.specs[spec.name] = spec
        self.buttons.update(features.buttons)
        self.pending.update(features.pending)
        self.case_ready += features.case_ready

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

    def pending_handler(self, kind: object) -> Handler | None:
        """Who answers a text typed while the session waits for `kind` (a reference number…)."""
        return self.pending.get(kind) if isinstance(kind, str) else None

    def named_by(self, text: str) -> str | None:
        """The command a whole typed message stands for, by its words ("我的投诉") or its bare name."""
        word = " ".join(text.split()).lower()
        for spec in self.specs.values():
            if word in spec.words or (spec.typed_bare and word == spec.name):
                return spec.name
        return None

    def short_menu(self, lang: str) -> list[tuple[str, str]]:
        """(command, short label) for a menu with room for a few buttons, in the order listed."""
        return [(s.name, s.menu_label[0] if lang == "zh" else s.menu_label[1]) for s in self.specs.values() if s.menu_label]

    def menu(self, lang: str) -> list[tuple[str, str]]:
        """(command, description) for a platform's command menu, in the order listed."""
        return [(s.name, s.description(lang)) for s in self.specs.values() if s.in_menu]

    def help_text(self, lang: str) -> str:
        """The command list /help shows: a header line, then one line per command."""
        lines = [f"{s.usage(lang)} {s.description(lang)}" for s in self.specs.values()]
        return "\n".join([t("help.header", lang), *lines])


def command_list(*, followup: FollowUp, export: Handler, rules: Handler) -> Features:
    """The bot's commands in menu order, and what else the features answer outside the engine."""
    specs = [
        CommandSpec("start", "开始或继续", "Start, or pick up where you left off", typed_bare=True, words=("继续",)),
        CommandSpec(
            "new", "开始新的投诉", "Start a new complaint",
            typed_bare=True, words=("新投诉", "开始投诉", "new complaint"), menu_label=("新投诉", "New complaint"),
        ),
        CommandSpec(
            "cases", "我的投诉", "My cases", handler=cases.list_cases,
            typed_bare=True, words=("我的投诉", "my cases"), menu_label=("我的投诉", "My cases"),
        ),
        CommandSpec("case", "查看投诉详情", "Show a case", CASE_ID, cases.show_case),
        CommandSpec("filed", "登记已提交的投诉", "Record that you filed a complaint", CASE_ID, followup.cmd_filed, typed_bare=True),
        CommandSpec(
            "export", "导出证据包（PDF+ZIP）", "Export a case with its evidence (PDF + ZIP)", CASE_ID, export, typed_bare=True
        ),
        CommandSpec(
            "rules", "相关法规和规定", "The rules that protect you", ("CN|US|UK", "CN|US|UK"), rules,
            typed_bare=True, words=("相关法规",),
        ),
        CommandSpec("timezone", "设置时区", "Set your time zone", ("地区/城市", "Area/City"), followup.cmd_timezone, in_menu=False),
        CommandSpec("cancel", "暂停（回答会保存）", "Pause (your answers are kept)", typed_bare=True, words=("暂停",)),
        CommandSpec("help", "帮助", "Help", typed_bare=True, words=("帮助",), menu_label=("帮助", "Help")),
        CommandSpec("lang", "切换语言 中文/English", "Switch language 中文/English", typed_bare=True, words=("切换语言",)),
        CommandSpec("delete", "删除投诉及其文件", "Erase a case and its files", CASE_ID, cases.delete_case),
        CommandSpec("back", "上一步", "Go back one question"),
        CommandSpec("skip", "跳过这一题", "Skip this question"),
        CommandSpec("restart", "从第一题重新开始", "Start over from the first question", typed_bare=True),
    ]
    buttons: dict[str, Handler] = {
        "_cases": cases.list_cases,
        "_delete": cases.delete_confirmed,
        "_keepcase": cases.delete_declined,
        "_rules": rules,
        **followup.buttons(),
    }
    return Features(specs, buttons, followup.pending(), followup.case_ready())
