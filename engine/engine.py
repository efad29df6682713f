"""The pure conversation engine: (flow, state, event, now) -> new state, replies, effects.

No I/O, no clock, no platform: adapters and the conversation service do all of that, so the same
engine serves Telegram, the local chat and the tests (ARCHITECTURE.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Protocol

from engine import answers as A
from engine import merged
from engine.choice_match import normalise, pick
from engine.conditions import holds
from engine.evidence import EvidenceItem
from engine.events import ButtonPress, Command, Event, FileInput, Proposal, TextInput
from engine.i18n import button_words, t
from engine.model import (
    ChannelStep,
    ChoicesStep,
    ChoiceStep,
    ConfirmStep,
    DateTimeStep,
    EndStep,
    EvidenceStep,
    Flow,
    MessageStep,
    NumberStep,
    PhoneStep,
    SummaryStep,
    TextStep,
)
from engine.replies import (
    AddEvidence,
    Button,
    CompleteCase,
    Outcome,
    RecordEvent,
    Reply,
    SaveAnswer,
    SetLanguage,
    StartCase,
)
from engine.regions import NO_REGION, Regions, zone_is_certain, zone_of_call
from engine.state import ACTIVE, DONE, PAUSED, SessionState
from engine.when_text import is_day_only, zone_name

# Showing a question or a summary needs no clock; this stands in where no event brought a time.
NO_TIME = datetime.min.replace(tzinfo=timezone.utc)
# What /lang understands; anything else is refused with the choices rather than switching.
LANGUAGE_NAMES = {
    **{k: "zh" for k in ("zh", "zh-cn", "zh-hans", "zh_cn", "cn", "中文", "汉语", "chinese", "简体中文")},
    **{k: "en" for k in ("en", "en-us", "en-gb", "en_us", "english", "英文", "英语")},
}
ENGINE_COMMANDS = ("start", "new", "cancel", "help", "lang", "back", "skip", "restart")
# The summary shows at most this many lines of answers (plus its question and hint: 12 in all).
SUMMARY_LINES = 10
DONE_WORDS = {"done", "finish", "finished", "完成", "好了", "没有了", "結束", "结束", "ok"}


def _engine_commands_help(lang: str) -> str:
    """Without an application around it, /help lists the engine's own commands."""
    return t("help.header", lang) + "\n" + " ".join(f"/{name}" for name in ENGINE_COMMANDS)


@dataclass(frozen=True)
class ChannelOption:
    value: str
    label: str
    why: str


class ChannelAdvisor(Protocol):
    """Ranks complaint channels for a case; supplied by the knowledge layer (pure data)."""

    def options(self, answers: dict[str, Any], lang: str) -> list[ChannelOption]: ...

    def label(self, value: str, lang: str) -> str: ...


class Engine:
    """Advances one person's conversation by one event."""

    def __init__(
        self,
        flow: Flow,
        advisor: ChannelAdvisor | None = None,
        commands_help: Callable[[str], str] | None = None,
        regions: Regions | None = None,
    ) -> None:
        self.flow = flow
        self.advisor = advisor
        # The countries, from channels.yaml: phone region, time zone and date order of each.
        self.regions = regions or Regions()
        # The command list /help shows, in a language; the application's registry supplies it.
        self.commands_help = commands_help or _engine_commands_help
        self.evidence_step = next((s.id for s in flow.steps if isinstance(s, EvidenceStep)), None)

    def advance(self, state: SessionState, event: Event, now: datetime) -> Outcome:
        out = Outcome(state=state.copy())
        turn = _Turn(self, out, now)
        turn.handle(event)
        return out

    def current_question(self, state: SessionState) -> list[Reply]:
        """The current question again (after a restart of the bot, a language switch, /start)."""
        out = Outcome(state=state.copy())
        if state.status == ACTIVE and state.step:
            _Turn(self, out, NO_TIME).ask(self.flow.step(state.step))
        return out.replies


class _Turn:
    """One event's worth of work on a copy of the state."""

    def __init__(self, engine: Engine, out: Outcome, now: datetime) -> None:
        self.engine = engine
        self.flow = engine.flow
        self.out = out
        self.s = out.state
        self.now = now

    @property
    def lang(self) -> str:
        return self.s.lang

    def say(self, text: str, buttons: tuple[Button, ...] = (), kind: str = "info") -> None:
        self.out.replies.append(Reply(text=text, buttons=buttons, kind=kind))

    # --- dispatch ---------------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        if isinstance(event, Command):
            self.command(event.name.lower(), event.arg.strip())
            return
        if isinstance(event, ButtonPress):
            if event.seq is not None and event.seq != self.s.seq:
                self.out.stale = True
                self.say(t("stale", self.lang))
                return
            if self.navigation(event.value):
                return
            if self.s.proposal is not None and event.value in ("_accept", "_reject"):
                self.settle_proposal(event.value == "_accept")
                return
        if self.s.status != ACTIVE or not self.s.step:
            self.not_in_flow(event)
            return
        step = self.flow.step(self.s.step)
        if isinstance(event, FileInput):
            self.files(step, event)
        elif isinstance(event, ButtonPress):
            self.button(step, event.value)
        else:
            self.text(step, event.text)

    def navigation(self, value: str) -> bool:
        """Buttons that mean the same at every step; True when handled."""
        commands = {"_back": "back", "_skip": "skip", "_help": "help", "_cancel": "cancel", "_new": "new"}
        if value in commands:
            self.command(commands[value], "")
            return True
        if value == "_new_confirm":
            self.begin_case()
            return True
        if value == "_continue":
            self.resume()
            return True
        if value == "_keep" and self.s.status == ACTIVE and self.s.step and self.s.step in self.s.answers:
            self.out.answered = t("nav.keep", self.lang)
            self.move_on()
            return True
        return False

    def command(self, name: str, arg: str) -> None:
        if name == "start":
            self.start()
        elif name == "new":
            if self.s.status in (ACTIVE, PAUSED) and self.s.case_id is not None and self.s.answers:
                self.say(
                    t("new_confirm", self.lang, case_id=self.s.case_id),
                    (Button(t("nav.new_anyway", self.lang), "_new_confirm"), Button(t("nav.continue", self.lang), "_continue")),
                )
            else:
                self.begin_case()
        elif name == "cancel":
            if self.s.status == ACTIVE:
                self.s.status = PAUSED
                self.out.effects.append(RecordEvent("paused", {"step": self.s.step}))
            self.say(t("paused", self.lang))
        elif name == "help":
            self.help()
        elif name == "lang":
            wanted = LANGUAGE_NAMES.get(arg.strip().lower()) if arg.strip() else ("en" if self.lang == "zh" else "zh")
            if wanted is None:
                self.say(t("lang_unknown", self.lang, name=arg.strip()[:20]), kind="error")
                return
            self.s.lang = wanted
            self.out.effects.append(SetLanguage(self.s.lang))
            self.say(t("lang_switched", self.lang))
            self.reask_or_idle()
        elif name == "back":
            self.back()
        elif name == "skip":
            self.skip()
        elif name == "restart":
            if self.s.status in (ACTIVE, PAUSED) and self.s.case_id is not None:
                self.s.status, self.s.history, self.s.editing = ACTIVE, [], False
                self.say(t("restarted", self.lang))
                self.enter(self.flow.start)
            else:
                self.begin_case()
        else:
            listing = self.engine.commands_help(self.lang).split("\n", 1)[-1]
            self.say(t("unknown_command", self.lang, name=name[:30], commands=listing))
            self.reask_or_idle(quiet=True)

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        if self.s.status == ACTIVE and self.s.step:
            self.say(t("resume", self.lang))
            self.ask(self.flow.step(self.s.step))
        elif self.s.status == PAUSED and self.s.case_id is not None:
            self.say(
                t("welcome_back", self.lang, case_id=self.s.case_id),
                (Button(t("nav.continue", self.lang), "_continue"), Button(t("nav.new_anyway", self.lang), "_new_confirm")),
            )
        else:
            self.say(
                t("welcome", self.lang),
                (Button(t("nav.new", self.lang), "_new"), Button(t("nav.cases", self.lang), "_cases")),
            )

    def resume(self) -> None:
        if self.s.case_id is None or self.s.status == DONE or not self.s.step:
            self.begin_case()
            return
        self.s.status = ACTIVE
        self.out.effects.append(RecordEvent("resumed", {"step": self.s.step}))
        self.say(t("resume", self.lang))
        self.ask(self.flow.step(self.s.step))

    def begin_case(self) -> None:
        # seq keeps counting across cases, so a keyboard from an older case can never match a new question.
        self.out.state = self.s = SessionState(lang=self.s.lang, status=ACTIVE, seq=self.s.seq)
        self.out.effects.append(StartCase())
        self.enter(self.flow.start)

    def not_in_flow(self, event: Event) -> None:
        if isinstance(event, FileInput) and self.engine.evidence_step:
            self.begin_from_evidence(event, self.engine.evidence_step)
            return
        if isinstance(event, FileInput):
            self.say(t("evidence.no_case", self.lang), (Button(t("nav.new", self.lang), "_new"),))
            return
        buttons = [Button(t("nav.new", self.lang), "_new")]
        if self.s.status == PAUSED and self.s.case_id is not None:
            buttons.insert(0, Button(t("nav.continue", self.lang), "_continue"))
        buttons.append(Button(t("nav.cases", self.lang), "_cases"))
        self.say(t("idle", self.lang), tuple(buttons))

    def begin_from_evidence(self, event: FileInput, evidence_step: str) -> None:
        """Evidence sent with no complaint open starts one and keeps it; the reply says what was received
        and asks the first open question, or proposes what was read from it (issue 13)."""
        assert self.engine.evidence_step is not None
        self.out.state = self.s = SessionState(lang=self.s.lang, status=ACTIVE, seq=self.s.seq)
        self.out.effects.append(StartCase())
        target = self.flow.step(evidence_step)
        added, problem = self.keep_evidence(target, event.items)
        if problem is not None:
            self.say(problem.text(self.lang), kind="error")
        receipt = t("evidence.started", self.lang, count=added) if added else None
        if added:
            # Sent already: the evidence question is not asked again (more can be sent at any step).
            self.s.known.append(evidence_step)
        first_open = self.s.step = self.first_open_from(self.flow.start)
        if not self.propose(event.proposal, receipt):
            self.enter(first_open, prefix=receipt)

    def propose(self, proposal: Proposal | None, prefix: str | None = None) -> bool:
        """Show what was read for a one-tap "right?", keeping only answers still open; False when none are."""
        if proposal is None:
            return False
        answers = {k: v for k, v in proposal.answers.items() if self.flow.has_answer(k) and k not in self.s.answers}
        if not answers or self.s.step is None:
            return False
        self.s.proposal = {"text": proposal.text, "answers": answers}
        self.s.seq += 1
        self.ask(self.flow.step(self.s.step), prefix)
        return True

    def settle_proposal(self, accepted: bool) -> None:
        """"Right": the read facts become answers and are not asked again. "Change": ask as usual."""
        proposal, self.s.proposal = self.s.proposal or {}, None
        if accepted:
            for step_id, value in (proposal.get("answers") or {}).items():
                self.s.answers[step_id] = value
                self.out.effects.append(SaveAnswer(step_id, value))
                if step_id not in self.s.known:
                    self.s.known.append(step_id)
            self.out.answered = t("nav.right", self.lang)
            self.alerts()
        else:
            self.out.answered = t("nav.change", self.lang)
        self.enter(self.first_open_from(self.s.step or self.flow.start), past_known=True)

    def reask_or_idle(self, quiet: bool = False) -> None:
        if self.s.status == ACTIVE and self.s.step:
            self.ask(self.flow.step(self.s.step))
        elif not quiet:
            self.not_in_flow(TextInput(""))

    # --- navigation -------------------------------------------------------------------------

    def next_of(self, step: Any) -> str | None:
        if isinstance(step.next, str):
            return step.next
        if isinstance(step.next, list):
            for branch in step.next:
                if branch.when is None or holds(branch.when, self.s.answers):
                    return branch.goto
        return self.flow.following(step.id)

    def enter(self, step_id: str | None, prefix: str | None = None, past_known: bool = False) -> None:
        """Make `step_id` current (skipping steps whose `when` is false, and with `past_known` the ones
        answered from confirmed evidence: what is known is not asked again) and show it."""
        guard = 0
        while step_id is not None and guard <= len(self.flow.steps):
            guard += 1
            step = self.flow.step(step_id)
            known = past_known and step_id in self.s.known and step_id in self.s.answers
            if known or (step.when is not None and not holds(step.when, self.s.answers)):
                step_id = self.next_of(step)
                continue
            if isinstance(step, MessageStep):
                self.say(step.prompt.get(self.lang))
                step_id = self.next_of(step)
                continue
            if isinstance(step, EndStep):
                self.say(step.prompt.get(self.lang), kind="end")
                self.s.status, self.s.step, self.s.editing = DONE, None, False
                self.out.effects.append(CompleteCase())
                return
            self.s.step = step_id
            self.s.seq += 1
            self.s.edit_list = False
            self.s.failures = 0
            current = self.s.answers.get(step_id)
            self.s.selected = list(current) if isinstance(step, ChoicesStep) and isinstance(current, list) else []
            self.ask(step, prefix)
            return

    def move_on(self) -> None:
        """After an answer: record history, show alerts, go to the next step (or back to the summary)."""
        current = self.current_step()
        if not self.s.history or self.s.history[-1] != current.id:
            self.s.history.append(current.id)
        self.alerts()
        target = self.next_of(current)
        if self.s.editing:
            target = self.first_open_from(target)
            self.s.editing = not isinstance(self.flow.step(target), SummaryStep) if target else False
        self.enter(target, past_known=True)

    def current_step(self) -> Any:
        """The step the session stands at; only called while a question is open."""
        if self.s.step is None:
            raise RuntimeError("no open step")
        return self.flow.step(self.s.step)

    def first_open_from(self, step_id: str | None) -> str | None:
        """While editing: the first step on the path that still needs an answer, or the summary."""
        guard = 0
        while step_id is not None and guard <= len(self.flow.steps):
            guard += 1
            step = self.flow.step(step_id)
            if isinstance(step, (SummaryStep, EndStep)):
                return step_id
            skipped = step.when is not None and not holds(step.when, self.s.answers)
            if skipped or isinstance(step, MessageStep) or step.id in self.s.answers:
                step_id = self.next_of(step)
                continue
            return step_id
        return step_id

    def back(self) -> None:
        if self.s.status != ACTIVE:
            self.reask_or_idle()
            return
        if not self.s.history:
            self.say(t("back_first", self.lang))
            self.ask(self.current_step())
            return
        previous = self.s.history.pop()
        self.s.editing = False
        self.enter(previous)

    def skip(self) -> None:
        if self.s.status != ACTIVE or not self.s.step:
            self.reask_or_idle()
            return
        step = self.flow.step(self.s.step)
        if not step.optional and not (isinstance(step, EvidenceStep) and step.min_items == 0):
            self.say(t("skip_not_allowed", self.lang))
            self.ask(step)
            return
        if isinstance(step, EvidenceStep):
            self.evidence_done(step)
            return
        self.save(step.id, None, t("summary.skipped", self.lang))

    def alerts(self) -> None:
        for alert in self.flow.alerts:
            if alert.id not in self.s.alerts_shown and holds(alert.when, self.s.answers):
                self.s.alerts_shown.append(alert.id)
                self.say(alert.text.get(self.lang), kind="alert")
                self.out.effects.append(RecordEvent("alert", {"alert": alert.id}))

    # --- asking -----------------------------------------------------------------------------

    def ask(self, step: Any, prefix: str | None = None) -> None:
        """Show the question of `step` with its buttons (or the facts read from evidence, to confirm first)."""
        lang = self.lang
        if self.s.proposal is not None:
            text = "\n".join(x for x in (prefix, str(self.s.proposal.get("text") or "")) if x)
            confirm = (Button(t("nav.right", lang), "_accept"), Button(t("nav.change", lang), "_reject"))
            self.out.replies.append(Reply(text=text, buttons=confirm, expects="confirm", seq=self.s.seq, kind="question"))
            return
        lines = [prefix] if prefix else []
        lines.append(step.prompt.get(lang))
        buttons: list[Button] = []
        expects: str | None = None
        if isinstance(step, ChoiceStep):
            expects = "choice"
            buttons = [Button(o.label.get(lang), o.value) for o in self.ordered_options(step)]
        elif isinstance(step, ChoicesStep):
            expects = "choices"
            lines.append(t("hint.choices", lang))
            buttons = [
                Button(("✓ " if o.value in self.s.selected else "") + o.label.get(lang), o.value) for o in step.options
            ]
            buttons.append(Button(t("nav.done", lang), "_done"))
        elif isinstance(step, ConfirmStep):
            expects = "confirm"
            yes = step.yes_label.get(lang) if step.yes_label else t("nav.yes", lang)
            no = step.no_label.get(lang) if step.no_label else t("nav.no", lang)
            buttons = [Button(yes, "yes"), Button(no, "no")]
        elif isinstance(step, EvidenceStep):
            expects = "evidence"
            lines.append(t("hint.evidence", lang))
            have = len(self.s.answers.get(step.id) or [])
            if have:
                lines.append(t("hint.evidence_have", lang, count=have))
            buttons = [Button(t("nav.done", lang), "_done")]
        elif isinstance(step, SummaryStep) and self.s.edit_list:
            lines = [t("summary.pick_edit", lang)]
            buttons = [Button(self.label_of(s), f"_edit:{s.id}") for s in self.path_answered()]
            buttons.append(Button(t("nav.to_summary", lang), "_summary"))
        elif isinstance(step, SummaryStep):
            lines.extend(self.compact_summary())
            lines.append(t("summary.tap_edit", lang))
            ok = step.ok_label.get(lang) if step.ok_label else t("nav.ok", lang)
            buttons = [Button(ok, "_ok"), Button(t("nav.edit_list", lang), "_edit_list")]
        elif isinstance(step, ChannelStep):
            expects = "choice"
            options = self.engine.advisor.options(self.s.answers, lang) if self.engine.advisor else []
            if not options:
                lines.append(t("channel.none", lang))
            for i, option in enumerate(options, 1):
                lines.append(f"{i}. {option.label} — {option.why}")
            buttons = [Button(o.label, o.value) for o in options]
        else:
            kinds: dict[type, str] = {TextStep: "text", NumberStep: "number", PhoneStep: "phone", DateTimeStep: "datetime"}
            expects = kinds[type(step)]
            lines.append(t("hint.nav", lang))
            suggested = self.suggestion(step)
            if suggested is not None:
                buttons.append(Button(t("nav.same", lang, value=suggested), "_same"))
        current = self.s.answers.get(step.id)
        if step.id in self.s.answers and not isinstance(step, (SummaryStep, EvidenceStep, ChoicesStep)):
            lines.append(t("hint.current", lang, value=self.display(step, current)))
            buttons.append(Button(t("nav.keep", lang), "_keep"))
        nav: list[Button] = []
        if self.s.history:
            nav.append(Button(t("nav.back", lang), "_back"))
        if step.optional and not isinstance(step, EvidenceStep):
            nav.append(Button(t("nav.skip", lang), "_skip"))
        if self.s.failures >= 3:
            nav.append(Button(t("nav.help", lang), "_help"))
        self.out.replies.append(
            Reply(text="\n".join(lines), buttons=tuple(buttons + nav), expects=expects, seq=self.s.seq, kind="question")
        )

    def suggestion(self, step: Any) -> str | None:
        """The earlier answer this step offers as one tap (as text), if it was given."""
        if step.id in self.s.answers:
            return None
        for source in getattr(step, "suggest_from", None) or []:
            value = self.s.answers.get(source)
            if value is not None:
                return self.display(self.flow.step(source), value)
        return None

    def ordered_options(self, step: ChoiceStep) -> list[Any]:
        default = (step.default_by_lang or {}).get(self.lang)
        return sorted(step.options, key=lambda o: o.value != default) if default else list(step.options)

    def retry(self, step: Any, problem: A.Rejected) -> None:
        """Ask again politely with the reason; after repeated failures, offer a way out."""
        self.s.failures += 1
        message = problem.text(self.lang)
        if self.s.failures >= 3:
            skip = t("struggling.skip", self.lang) if step.optional else ""
            message += "\n" + t("struggling", self.lang, skip=skip)
        self.say(message, kind="error")
        self.ask(step)

    def help(self) -> None:
        if self.s.status == ACTIVE and self.s.step:
            step = self.flow.step(self.s.step)
            about = step.help.get(self.lang) if step.help else t(f"help.{step.type}", self.lang)
            self.say(t("help.step", self.lang, text=about) + "\n\n" + self.engine.commands_help(self.lang))
            self.ask(step)
        else:
            self.say(self.engine.commands_help(self.lang))

    # --- answers ----------------------------------------------------------------------------

    def save(self, step_id: str, value: Any, label: str, fills: dict[str, Any] | None = None) -> None:
        """Keep the answer and what the same input filled. Answering again (or skipping when it was answered)
        drops the fills the new input does not give: an opt-out date is not kept once "no" is the answer.
        A first answer keeps what confirmed evidence filled (a company read from an SMS signature)."""
        step = self.flow.step(step_id)
        if isinstance(step, TextStep) and step.fills and isinstance(value, str):
            fills = merged.text_fills(step, value)
        same = {f.id: value for f in step.fills if f.kind == "same" and value is not None}
        fills = {**(fills or {}), **same}
        if step_id in self.s.answers:
            for fill in step.fills:
                if fill.id not in (fills or {}) and self.s.answers.pop(fill.id, None) is not None:
                    self.out.effects.append(SaveAnswer(fill.id, None))
                    if fill.id in self.s.known:
                        self.s.known.remove(fill.id)
        for key, filled in (fills or {}).items():
            self.s.answers[key] = filled
            self.out.effects.append(SaveAnswer(key, filled))
            if self.flow.has(key) and key not in self.s.known:
                # A later question this input answered is not asked.
                self.s.known.append(key)
        self.s.answers[step_id] = value
        self.out.effects.append(SaveAnswer(step_id, value))
        self.out.answered = label
        self.move_on()

    def accept(self, step: Any, result: A.Accepted | A.Rejected) -> None:
        if isinstance(result, A.Rejected):
            self.retry(step, result)
        else:
            self.save(step.id, result.value, result.label)

    def text(self, step: Any, raw: str) -> None:
        lang = self.lang
        if self.s.proposal is not None:
            named = self.value_for_text(step, raw)
            if named in ("_accept", "_reject"):
                self.settle_proposal(named == "_accept")
                return
            # Answering the question instead of the proposal: the proposal is set aside.
            self.s.proposal = None
        if not isinstance(step, (NumberStep, ChoicesStep)):
            # The number of a shown button works wherever a number is not itself the answer
            # (a multiple choice reads "1,3" as its options).
            shown = self.shown_buttons(step)
            number = A.small_number(A.clean_text(raw))
            if number is not None and 1 <= number <= len(shown):
                self.button_or_navigation(step, shown[number - 1].value)
                return
        if isinstance(step, (TextStep, NumberStep, PhoneStep, DateTimeStep)):
            named = self.button_named(step, raw)
            if named is not None:
                self.button_or_navigation(step, named)
                return
        if isinstance(step, TextStep):
            self.accept(step, A.text_answer(step, raw))
        elif isinstance(step, NumberStep):
            self.accept(step, A.number_answer(step, raw))
        elif isinstance(step, PhoneStep):
            if not self.phone_with_time(step, raw):
                self.accept(step, A.phone_answer(step, raw, self.s.answers, lang, self.engine.regions))
        elif isinstance(step, DateTimeStep):
            result = A.datetime_answer(step, raw, self.s.answers, lang, self.now, self.engine.regions, self.s.timezone)
            if isinstance(result, A.Accepted):
                # Said back at once, so a misreading is caught at its step rather than in the letter.
                self.say(self.time_echo(step, result), kind="info")
            self.accept(step, result)
        elif isinstance(step, ChoicesStep):
            done = A.clean_text(raw).lower() in DONE_WORDS
            detail = next((f for f in step.fills if f.kind == "detail"), None)
            if detail is not None and not done:
                # Options and the person's own words in one message: the words are never read as options.
                self.choices_with_detail(step, raw, detail.id)
                return
            chosen = A.parse_choices_text(step, raw, lang)
            if chosen is None and done:
                chosen = list(self.s.selected)
            self.accept(step, A.choices_answer(step, chosen, lang) if chosen is not None else A.Rejected("error.choice"))
        elif isinstance(step, EvidenceStep):
            if A.clean_text(raw).lower() in DONE_WORDS:
                self.evidence_done(step)
            else:
                self.pasted_text(step, raw)
        else:
            if isinstance(step, ChoiceStep) and self.choice_with_fills(step, raw):
                return
            value = self.value_for_text(step, raw)
            if value is None:
                self.retry(step, A.Rejected("error.choice"))
            else:
                self.button_or_navigation(step, value)

    def choice_with_fills(self, step: ChoiceStep, raw: str) -> bool:
        """A choice answered with more ("有，10月15日回复过TD", "有，5000元"): the option and its fills kept,
        a time said back. False when the step has no fills or the text gives none (the usual reading applies)."""
        if not step.fills:
            return False
        zone, order = self.clock_of(step)
        read = merged.choice_with_fills(step, A.clean_text(raw)[:300], self.now, zone, self.lang, order)
        if read is None or not read[1]:
            return False
        option, found = read
        self.save_with_fills(step, option.value, option.label.get(self.lang), found)
        return True

    def clock_of(self, step: Any) -> tuple[str, str]:
        """The zone and date order a time in a merged answer is read in (the case's country)."""
        source = next((f.region_from for f in step.fills if f.region_from), None) or getattr(step, "region_from", None)
        region = self.engine.regions.for_answers(self.s.answers, source, self.lang) or NO_REGION
        return zone_of_call(region, self.s.answers, self.s.timezone), region.date_order

    def save_with_fills(self, step: Any, value: Any, label: str, found: dict[str, Any]) -> None:
        """Keep the fills whose `when` holds with the new answer; say a time back, as its own question would."""
        answers = {**self.s.answers, step.id: value}
        kept = {}
        for fill in step.fills:
            if fill.id in found and (fill.when is None or holds(fill.when, answers)):
                kept[fill.id] = found[fill.id]
                if fill.kind == "time":
                    self.say(t("time.noted", self.lang, when=A.time_label(found[fill.id], self.lang)), kind="info")
        self.save(step.id, value, label, kept)

    def phone_with_time(self, step: PhoneStep, raw: str) -> bool:
        """Numbers with the time of the latest call ("138 0013 8000，昨天下午3点"): both kept."""
        fill = next((f for f in step.fills if f.kind == "time"), None)
        if fill is None:
            return False
        zone, order = self.clock_of(step)
        read = merged.parse_time_in(A.clean_text(raw)[:300], self.now, zone, self.lang, order, fill.coarsest)
        if read is None or not read[1].strip():
            return False
        when, rest = read
        result = A.phone_answer(step, merged.strip_time_words(rest), self.s.answers, self.lang, self.engine.regions)
        if isinstance(result, A.Rejected):
            return False
        self.save_with_fills(step, result.value, result.label, {fill.id: when})
        return True

    def choices_with_detail(self, step: ChoicesStep, raw: str, detail_id: str) -> None:
        """Options and the person's own words in one message ("1, 3 半夜打来"), or words alone after tapping."""
        read = merged.choices_with_detail(step, raw.strip(), list(self.s.selected), self.lang)
        if read is None:
            self.retry(step, A.Rejected("error.choice"))
            return
        chosen, detail = read
        result = A.choices_answer(step, chosen, self.lang)
        if isinstance(result, A.Rejected):
            self.retry(step, result)
            return
        if len(detail) > 1000:
            self.retry(step, A.Rejected("error.too_long", {"length": len(detail), "max": 1000}))
            return
        self.save(step.id, result.value, result.label, {detail_id: detail} if detail else {})

    def button_or_navigation(self, step: Any, value: str) -> None:
        if not self.navigation(value):
            self.button(step, value)

    def button_named(self, step: Any, raw: str) -> str | None:
        """At a question that takes typed text: a shown button named exactly (跳过, 同上, « 上一步),
        so those words are not stored as the answer."""
        typed = normalise(raw)
        for button in self.shown_buttons(step):
            if typed and typed in {normalise(w) for w in (button.label, *button_words(button.value))}:
                return button.value
        return None

    def shown_buttons(self, step: Any) -> tuple[Button, ...]:
        """The buttons under the question as it is shown now (their numbers are what people type)."""
        replies = [r for r in self.preview(step) if r.buttons]
        return replies[-1].buttons if replies else ()

    def time_echo(self, step: DateTimeStep, result: A.Accepted) -> str:
        """"Noted: Friday 20 November 2026, 14:30", naming the zone where a country has several and the
        called person's is not known."""
        lang = self.lang
        region = self.engine.regions.for_answers(self.s.answers, step.region_from, lang) or NO_REGION
        text = t("time.noted", lang, when=result.label)
        if not is_day_only(result.value) and not zone_is_certain(region, self.s.answers, self.s.timezone):
            zone = zone_of_call(region, self.s.answers, self.s.timezone)
            text += "\n" + t("time.zone_assumed", lang, zone=zone_name(zone, lang))
        return text

    def value_for_text(self, step: Any, raw: str) -> str | None:
        """Typed text at a button step: the shown button it names by label, synonym or a near spelling."""
        options = {o.value: o for o in getattr(step, "options", [])}
        answers: list[tuple[str, list[str]]] = []
        navigation: list[tuple[str, tuple[str, ...]]] = []
        for button in self.shown_buttons(step):
            terms = [button.label, button.value]
            if button.value in options:
                terms += options[button.value].terms
            if isinstance(step, ConfirmStep) and button.value in ("yes", "no"):
                terms += button_words(f"_{button.value}")
            if button.value in ("_accept", "_reject"):
                terms += button_words("_yes" if button.value == "_accept" else "_no")
            answers.append((button.value, terms))
            navigation.append((button.value, button_words(button.value)))
        # An option's own words come first: 不知道 is "not sure" where that is an option, else "skip".
        return pick(answers, raw) or pick(navigation, raw)

    def preview(self, step: Any) -> list[Reply]:
        probe = Outcome(state=self.s)
        _Turn(self.engine, probe, self.now).ask(step)
        return probe.replies

    def button(self, step: Any, value: str) -> None:
        lang = self.lang
        if value.startswith("_edit:") and isinstance(step, SummaryStep):
            target = value.split(":", 1)[1]
            if target in {s.id for s in self.path_answered()}:
                self.s.history.append(step.id)
                self.s.editing, self.s.edit_list = True, False
                self.enter(target)
                return
        if value in ("_edit_list", "_summary") and isinstance(step, SummaryStep):
            self.s.edit_list = value == "_edit_list"
            self.ask(step)
            return
        if isinstance(step, SummaryStep) and value == "_ok":
            self.out.answered = step.ok_label.get(lang) if step.ok_label else t("nav.ok", lang)
            for fill in step.fills:
                # The OK of a summary that says "I confirm this is true" is that confirmation.
                self.s.answers[fill.id] = "yes"
                self.out.effects.append(SaveAnswer(fill.id, "yes"))
            self.move_on()
            return
        if isinstance(step, ChoiceStep):
            option = next((o for o in step.options if o.value == value), None)
            if option:
                self.save(step.id, option.value, option.label.get(lang))
                return
        if isinstance(step, ChoicesStep):
            if value == "_done":
                self.accept(step, A.choices_answer(step, list(self.s.selected), lang))
                return
            if any(o.value == value for o in step.options):
                if value in self.s.selected:
                    self.s.selected.remove(value)
                else:
                    self.s.selected.append(value)
                self.ask(step)
                return
        if isinstance(step, ConfirmStep) and value in ("yes", "no"):
            if value == "no" and step.on_no:
                self.out.answered = step.no_label.get(lang) if step.no_label else t("nav.no", lang)
                self.s.history.append(step.id)
                self.enter(step.on_no)
            else:
                label = (step.yes_label if value == "yes" else step.no_label)
                self.save(step.id, value, label.get(lang) if label else t(f"nav.{value}", lang))
            return
        if value == "_same" and isinstance(step, TextStep):
            suggested = self.suggestion(step)
            if suggested is not None:
                self.accept(step, A.text_answer(step, suggested))
                return
        if isinstance(step, EvidenceStep) and value == "_done":
            self.evidence_done(step)
            return
        if isinstance(step, ChannelStep) and self.engine.advisor:
            options = {o.value: o.label for o in self.engine.advisor.options(self.s.answers, lang)}
            if value in options:
                self.save(step.id, value, options[value])
                return
        self.retry(step, A.Rejected("error.choice"))

    # --- evidence ---------------------------------------------------------------------------

    def evidence_done(self, step: EvidenceStep) -> None:
        have = len(self.s.answers.get(step.id) or [])
        if have < step.min_items:
            self.retry(step, A.Rejected("evidence.min", {"min": step.min_items}))
            return
        items = self.s.answers.get(step.id) or []
        self.save(step.id, items, t("summary.items", self.lang, count=len(items)))

    def pasted_text(self, step: EvidenceStep, raw: str) -> None:
        text = raw.strip()
        if A.looks_garbled(text):
            self.retry(step, A.Rejected("error.not_text"))
            return
        if not text:
            self.retry(step, A.Rejected("error.empty"))
            return
        if len(text) > 10000:
            self.retry(step, A.Rejected("error.too_long", {"length": len(text), "max": 10000}))
            return
        self.files(step, FileInput(items=(EvidenceItem.of_text(text, "text", self.now),)))

    def files(self, step: Any, event: FileInput) -> None:
        target = step if isinstance(step, EvidenceStep) else None
        if target is None and self.engine.evidence_step:
            target = self.flow.step(self.engine.evidence_step)
        if target is None:
            self.retry(step, A.Rejected("error.evidence_kind"))
            return
        added, problem = self.keep_evidence(target, event.items)
        have = self.s.answers.get(target.id) or []
        if problem:
            self.say(problem.text(self.lang), kind="error")
        if added and step is not target and target.id not in self.s.known:
            # Evidence already sent is not asked for again at the evidence step (more can come at any time).
            self.s.known.append(target.id)
        # Before a proposal the receipt only says what was kept: "send more or tap Done" would answer
        # a question that is not being asked.
        saved = t("evidence.saved", self.lang, added=added, count=len(have))
        if added and self.propose(event.proposal, saved):
            return
        received = t("evidence.received" if step is target else "evidence.outside", self.lang, added=added, count=len(have))
        if step is target:
            if not added:
                self.ask(step)
                return
            self.out.replies.append(
                Reply(
                    text=received,
                    buttons=(Button(t("nav.done", self.lang), "_done"),),
                    expects="evidence",
                    seq=self.s.seq,
                    kind="ack",
                )
            )
            return
        self.ask(step, received if added else None)

    def keep_evidence(self, target: EvidenceStep, items: tuple[EvidenceItem, ...]) -> tuple[int, A.Rejected | None]:
        """Add the acceptable new items to the evidence answer: (how many were added, the first problem)."""
        have: list[dict[str, Any]] = list(self.s.answers.get(target.id) or [])
        known = {i["sha256"] for i in have}
        added = 0
        problem: A.Rejected | None = None
        for item in items:
            reason = self.evidence_problem(target, item)
            if reason is None and item.sha256 in known:
                reason = A.Rejected("evidence.duplicate")
            if reason is None and len(have) >= target.max_items:
                reason = A.Rejected("evidence.max", {"max": target.max_items})
            if reason is not None:
                problem = problem or reason
                continue
            have.append(item.answer())
            known.add(item.sha256)
            self.out.effects.append(AddEvidence(item))
            added += 1
        if added:
            self.s.answers[target.id] = have
            self.out.effects.append(SaveAnswer(target.id, have))
        return added, problem

    def evidence_problem(self, step: EvidenceStep, item: EvidenceItem) -> A.Rejected | None:
        size = item.size
        if size <= 0:
            return A.Rejected("error.evidence_empty")
        if item.kind not in step.accept:
            return A.Rejected("error.evidence_kind")
        limit = int(step.max_size_mb * 1024 * 1024)
        if size > limit:
            return A.Rejected("error.evidence_size", {"size": human_size(size), "max": human_size(limit)})
        return None

    # --- summary ----------------------------------------------------------------------------

    def path_answered(self) -> list[Any]:
        """Answer-taking steps on the current path (given the answers) before the summary."""
        found: list[Any] = []
        step_id: str | None = self.flow.start
        guard = 0
        while step_id is not None and guard <= len(self.flow.steps):
            guard += 1
            step = self.flow.step(step_id)
            if isinstance(step, (SummaryStep, EndStep)):
                break
            active = step.when is None or holds(step.when, self.s.answers)
            if active and step.takes_answer and step.id in self.s.answers and not isinstance(step, ConfirmStep):
                found.append(step)
            step_id = self.next_of(step)
        return found

    def compact_summary(self) -> list[str]:
        """The answers packed a few to a line, skipped ones left out: at most SUMMARY_LINES lines."""
        zh = self.lang == "zh"
        width, cut, sep = (56, 20, "；") if zh else (110, 40, "; ")
        items = []
        for step in self.path_answered():
            value = self.s.answers.get(step.id)
            if value is None:
                continue
            shown = self.display(step, value)
            if isinstance(step, TextStep) and len(shown) > cut:
                # Only free text is shortened: numbers and times are shown whole.
                shown = shown[: cut - 1] + "…"
            shown += self.fills_shown(step, cut)
            items.append(f"{self.label_of(step)}{'：' if zh else ': '}{shown}")
        lines: list[str] = []
        for item in items:
            if lines and len(lines[-1]) + len(sep) + len(item) <= width:
                lines[-1] += sep + item
            else:
                lines.append(item)
        if len(lines) > SUMMARY_LINES:
            lines = lines[: SUMMARY_LINES - 1] + [t("summary.more", self.lang, count=len(lines) - SUMMARY_LINES + 1)]
        return ["• " + line for line in lines]

    def summary_lines(self) -> list[str]:
        return [
            f"• {self.label_of(s)}: {self.display(s, self.s.answers.get(s.id))}{self.fills_shown(s, 200)}"
            for s in self.path_answered()
        ]

    def fills_shown(self, step: Any, cut: int) -> str:
        """What a merged answer added besides its value (a time, the person's words), in brackets; the
        parts of a text answer are in the text already."""
        shown = []
        for fill in step.fills:
            value = self.s.answers.get(fill.id)
            if value is None or fill.kind not in ("time", "detail") or self.flow.has(fill.id):
                # A fill that answered a later question is shown at that question.
                continue
            text = A.time_label(value, self.lang) if fill.kind == "time" else str(value)
            text = text if len(text) <= cut else text[: cut - 1] + "…"
            shown.append(f"{fill.label.get(self.lang)}{'：' if self.lang == 'zh' else ': '}{text}")
        if not shown:
            return ""
        return f"（{'；'.join(shown)}）" if self.lang == "zh" else f" ({'; '.join(shown)})"

    def label_of(self, step: Any) -> str:
        return step.label.get(self.lang) if step.label else step.id

    def display(self, step: Any, value: Any) -> str:
        lang = self.lang
        if value is None:
            return t("summary.skipped", lang)
        if isinstance(step, ChoiceStep):
            return next((o.label.get(lang) for o in step.options if o.value == value), str(value))
        if isinstance(step, ChoicesStep):
            return A.choices_label(step, list(value), lang)
        if isinstance(step, PhoneStep):
            return A.phones_label(value)
        if isinstance(step, DateTimeStep):
            return A.time_label(value, lang)
        if isinstance(step, EvidenceStep):
            return t("summary.items", lang, count=len(value))
        if isinstance(step, ChannelStep) and self.engine.advisor:
            return self.engine.advisor.label(value, lang)
        if isinstance(step, ConfirmStep):
            return t(f"nav.{value}", lang) if value in ("yes", "no") else str(value)
        text = str(value)
        return text if len(text) <= 200 else text[:200] + "…"


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def describe_answers(engine: Engine, answers: dict[str, Any], lang: str) -> list[str]:
    """The answers of a stored case as summary lines ("• Label: value"), for /case."""
    probe = _Turn(engine, Outcome(state=SessionState(lang=lang, answers=dict(answers))), NO_TIME)
    return probe.summary_lines()
