"""The pure conversation engine: (flow, state, event, now) -> new state, replies, effects.

No I/O, no clock, no platform: adapters and the conversation service do all of that, so the same
engine serves Telegram, the local chat and the tests (ARCHITECTURE.md).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timezone
from typing import Any, Callable, Protocol, TypeVar

from engine import fact_fix, merged
from engine.answers import Accepted, Rejected, clean_text, small_number
from engine.choice_match import normalise, pick
from engine.conditions import holds
from engine.events import ButtonPress, Command, Event, FileInput, Proposal, TextInput
from engine.i18n import button_words, t
from engine.model import EvidenceStep, Flow, Step, TextStep
from engine.read_options import read_answers
from engine.regions import NO_REGION, Regions, zone_of_call
from engine.replies import (
    Button,
    CompleteCase,
    Outcome,
    RecordEvent,
    Reply,
    SaveAnswer,
    SetLanguage,
    StartCase,
)
from engine.route import Route
from engine.state import ACTIVE, DONE, PAUSED, SessionState
from engine.steps import kind_of
from engine.steps.evidence import keep_evidence
from engine.steps.kind import Question
from engine.when_text import describe_when

T = TypeVar("T")
# Showing a question or a summary needs no clock; this stands in where no event brought a time.
NO_TIME = datetime.min.replace(tzinfo=timezone.utc)
# What /lang understands; anything else is refused with the choices rather than switching.
LANGUAGE_NAMES = {
    **{k: "zh" for k in ("zh", "zh-cn", "zh-hans", "zh_cn", "cn", "中文", "汉语", "chinese", "简体中文")},
    **{k: "en" for k in ("en", "en-us", "en-gb", "en_us", "english", "英文", "英语")},
}


@lru_cache(maxsize=64)
def nav_button(value: str, lang: str) -> Button:
    """The navigation button `value` ("_back", "_skip", "_keep", "_help") in `lang`: the same at every
    question (its text from engine/texts.yaml, read once at import), so built once (issue 15)."""
    return Button(t("nav." + value[1:], lang), value)


ENGINE_COMMANDS = ("start", "new", "cancel", "help", "lang", "back", "skip", "restart")


@lru_cache(maxsize=256)
def _named_by(value: str) -> frozenset[str]:
    """The typed words (normalised) that name the button `value` wherever it is shown; fixed per value."""
    return frozenset(normalise(w) for w in button_words(value))


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
        # The flow's evidence step, where files sent at any question (or before any) are kept.
        self.evidence = next((s for s in flow.steps if isinstance(s, EvidenceStep)), None)
        self.evidence_step = self.evidence.id if self.evidence else None
        # The flow's steps with their kinds and conditions at hand, for the walks every event makes.
        self.route = Route(flow)

    def advance(self, state: SessionState, event: Event, now: datetime) -> Outcome:
        out = Outcome(state=state.copy())
        turn = Turn(self, out, now)
        if turn.relocate() and not isinstance(event, Command) and out.state.status == ACTIVE:
            # The event answered a question that no longer exists: it is not read against another one.
            turn.say(t("flow_changed", turn.lang))
            turn.ask(turn.current_step())
            return out
        turn.handle(event)
        return out

    def current_question(self, state: SessionState) -> list[Reply]:
        """The current question again (after a restart of the bot, a language switch, /start)."""
        out = Outcome(state=state.copy())
        turn = Turn(self, out, NO_TIME)
        turn.relocate()
        if out.state.status == ACTIVE and out.state.step:
            turn.ask(self.flow.step(out.state.step))
        return out.replies


class Turn:
    """One event's worth of work on a copy of the state; what every step type's behaviour
    (engine/steps/) works through."""

    def __init__(self, engine: Engine, out: Outcome, now: datetime) -> None:
        self.engine = engine
        self.flow = engine.flow
        self.nodes = engine.route.nodes
        self.out = out
        self.s = out.state
        self.now = now
        # The buttons under the question typed text answers, once built (only when a typed answer needs
        # them, and then once): what a typed number or a button's name refers to.
        self.shown: tuple[Button, ...] | None = None
        # The channels last worked out, with the language and the answers they were worked out for.
        self._channels: tuple[str, dict[str, Any], list[ChannelOption]] | None = None

    @property
    def lang(self) -> str:
        return self.s.lang

    def kept(self, step: Step, key: Any, work_out: Callable[[], T]) -> T:
        """What the kind of `step` works out from the step alone (its buttons in a language, the words that
        name its options), once per engine: kept in the step's node of this engine's route (engine/route.py),
        or worked out each time for a step that is not one of this engine's flow."""
        node = self.nodes.get(step.id)
        if node is None or node.step is not step:
            return work_out()
        if key not in node.kept:
            node.kept[key] = work_out()
        return node.kept[key]  # type: ignore[no-any-return]

    def channel_options(self) -> list[ChannelOption]:
        """The advisor's channels for the answers as they are now. Worked out once per event while the answers
        and the language stay the same: a typed answer at the channel question reads them for the question it
        is read against and again for the answer (issue 15). The answers are compared by value; the values
        they share with the copy kept are replaced, never changed in place (the engine's rule)."""
        advisor = self.engine.advisor
        if advisor is None:
            return []
        kept = self._channels
        if kept is not None and kept[0] == self.lang and kept[1] == self.s.answers:
            return kept[2]
        options = advisor.options(self.s.answers, self.lang)
        self._channels = (self.lang, dict(self.s.answers), options)
        return options

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
            if self.s.proposal is not None and fact_fix.press(self, event.value):
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
        if value == "_skip_rest":
            self.skip_run()
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
        if isinstance(event, FileInput) and self.engine.evidence:
            self.begin_from_evidence(event, self.engine.evidence)
            return
        if isinstance(event, FileInput):
            self.say(t("evidence.no_case", self.lang), (Button(t("nav.new", self.lang), "_new"),))
            return
        buttons = [Button(t("nav.new", self.lang), "_new")]
        if self.s.status == PAUSED and self.s.case_id is not None:
            buttons.insert(0, Button(t("nav.continue", self.lang), "_continue"))
        buttons.append(Button(t("nav.cases", self.lang), "_cases"))
        self.say(t("idle", self.lang), tuple(buttons))

    def begin_from_evidence(self, event: FileInput, target: EvidenceStep) -> None:
        """Evidence sent with no complaint open starts one and keeps it; the reply says what was received
        and asks the first open question, or proposes what was read from it (issue 13)."""
        self.out.state = self.s = SessionState(lang=self.s.lang, status=ACTIVE, seq=self.s.seq)
        self.out.effects.append(StartCase())
        added, problem = keep_evidence(self, target, event.items)
        if problem is not None:
            self.say(problem.text(self.lang), kind="error")
        receipt = t("evidence.started", self.lang, count=added) if added else None
        if added:
            # Sent already: the evidence question is not asked again (more can be sent at any step).
            self.s.known.append(target.id)
        first_open = self.s.step = self.first_open_from(self.flow.start)
        if not self.propose(event.proposal, receipt):
            self.enter(first_open, prefix=receipt)

    def propose(self, proposal: Proposal | None, prefix: str | None = None) -> bool:
        """Show what was read for a one-tap "right?", keeping only answers still open; False when none are."""
        if proposal is None:
            return False
        answers = {k: v for k, v in proposal.answers.items() if self.flow.has_answer(k) and k not in self.s.answers}
        read = read_answers(self.flow, proposal.signals, {**answers, **self.s.answers})
        answers.update(read)
        if not answers or self.s.step is None:
            return False
        fact_fix.leave(self)
        listed = {key: answers[key] for key in proposal.unstated if key in answers} | read
        self.s.proposal = {"text": self.with_read_lines(proposal.text, listed), "answers": answers}
        self.s.seq += 1
        self.ask(self.flow.step(self.s.step), prefix)
        return True

    def with_read_lines(self, text: str, read: dict[str, Any]) -> str:
        """The proposal's text with a line per answer its options proposed ("对方要求：提供验证码") or its text
        does not name, above its closing question."""
        if not read:
            return text
        colon = "：" if self.lang == "zh" else ": "
        lines = [f"{self.label_of(step)}{colon}{self.display(step, value)}" for step, value in
                 ((self.flow.step(step_id), value) for step_id, value in read.items())]
        head, _, question = text.rpartition("\n")
        return "\n".join(x for x in (head, *lines, question) if x)

    def settle_proposal(self, accepted: bool) -> None:
        """"Right": the read facts become answers and are not asked again. "Change": the facts to pick the
        wrong one from (engine/fact_fix.py), or with one fact or from that list, ask as usual."""
        if not accepted and fact_fix.open_list(self):
            return
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

    def next_of(self, step: Step) -> str | None:
        return self.nodes[step.id].next_id(self.s.answers)

    def enter(self, step_id: str | None, prefix: str | None = None, past_known: bool = False) -> None:
        """Make `step_id` current (skipping steps whose `when` is false, and with `past_known` the ones
        answered from confirmed evidence: what is known is not asked again) and show it. The walks here read
        a node's `when` and `goto` themselves rather than through its methods: two calls per step of every
        walk added up (the summary's walk of the path was about 158k instructions; issue 15)."""
        guard, nodes = 0, self.nodes
        while step_id is not None and guard <= len(nodes):
            guard += 1
            node = nodes[step_id]
            answers = self.s.answers
            known = past_known and step_id in self.s.known and step_id in answers
            if known or (node.when is not None and not node.when(answers)):
                step_id = node.next_id(answers) if node.branches else node.goto
                continue
            if node.kind.enter(self, node.step, prefix):
                return
            step_id = node.next_id(self.s.answers) if node.branches else node.goto

    def open_question(self, step: Step, prefix: str | None = None) -> None:
        """Make `step` the open question and ask it."""
        self.s.step = step.id
        self.s.seq += 1
        self.s.edit_list = False
        self.s.failures = 0
        self.s.selected = kind_of(step).selection(step, self.s.answers.get(step.id))
        self.s.multi = False
        self.ask(step, prefix)

    def complete(self) -> None:
        """The flow reached its end: the case is complete."""
        self.s.status, self.s.step, self.s.editing = DONE, None, False
        self.out.effects.append(CompleteCase())

    def move_on(self) -> None:
        """After an answer: record history, show alerts, go to the next step (or back to the summary)."""
        if fact_fix.fixing(self.s):
            fact_fix.answered(self)
            return
        current = self.current_step()
        if not self.s.history or self.s.history[-1] != current.id:
            self.s.history.append(current.id)
        self.alerts()
        target = self.next_of(current)
        if self.s.editing:
            target = self.first_open_from(target)
            self.s.editing = not kind_of(self.flow.step(target)).reviews if target else False
        self.enter(target, past_known=True)

    def relocate(self) -> bool:
        """A session saved at a step a newer flows.yaml no longer has (merged or renamed) moves to the first
        step on its path still open; its answers are kept. True when it had to move."""
        if self.s.step is None or self.flow.has(self.s.step):
            return False
        self.s.history = [h for h in self.s.history if self.flow.has(h)]
        self.s.editing = self.s.edit_list = False
        self.s.selected, self.s.proposal, self.s.failures = [], None, 0
        self.s.step = self.first_open_from(self.flow.start)
        self.s.seq += 1
        return True

    def current_step(self) -> Step:
        """The step the session stands at; only called while a question is open."""
        if self.s.step is None:
            raise RuntimeError("no open step")
        return self.flow.step(self.s.step)

    def first_open_from(self, step_id: str | None) -> str | None:
        """While editing: the first step on the path that still needs an answer, or the summary."""
        guard, nodes, answers = 0, self.nodes, self.s.answers
        while step_id is not None and guard <= len(nodes):
            guard += 1
            node = nodes[step_id]
            if node.kind.ends_answers:
                return step_id
            if (node.when is not None and not node.when(answers)) or not node.takes_answer or step_id in answers:
                step_id = node.next_id(answers) if node.branches else node.goto
                continue
            return step_id
        return step_id

    def back(self) -> None:
        if self.s.status != ACTIVE:
            self.reask_or_idle()
            return
        if fact_fix.fixing(self.s):
            fact_fix.back_to_list(self)
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
        if fact_fix.filling(self.s) is not None:
            # Skipping a fact asked alone keeps nothing of it, as « back does; its merged question is not skipped.
            fact_fix.back_to_list(self)
            return
        step = self.flow.step(self.s.step)
        kind = kind_of(step)
        if not kind.can_skip(step):
            self.say(t("skip_not_allowed", self.lang))
            self.ask(step)
            return
        kind.skip(self, step)

    def optional_run(self, step: Step) -> list[Step]:
        """`step` and the optional questions that would be asked right after it if each were skipped: what
        one "skip these" tap passes. Only while answering in order (not editing from the summary)."""
        run = [step]
        if self.s.editing or fact_fix.fixing(self.s):
            return run
        nodes = self.nodes
        answers = dict(self.s.answers)
        answers[step.id] = None
        step_id = nodes[step.id].next_id(answers)
        guard = 0
        while step_id is not None and guard <= len(nodes):
            guard += 1
            node = nodes[step_id]
            known = step_id in self.s.known and step_id in answers
            if known or (node.when is not None and not node.when(answers)):
                step_id = node.next_id(answers) if node.branches else node.goto
                continue
            following, kind = node.step, node.kind
            if not (following.optional and kind.skip_button and kind.can_skip(following)) or step_id in answers:
                break
            run.append(following)
            answers[step_id] = None
            step_id = node.next_id(answers) if node.branches else node.goto
        return run

    def skip_run(self) -> None:
        """Skip the open optional question and the optional ones right after it, in one tap: each is
        recorded as skipped, exactly as one skip at a time would, and the next question is asked."""
        if self.s.status != ACTIVE or not self.s.step:
            self.reask_or_idle()
            return
        step = self.current_step()
        if not (step.optional and kind_of(step).can_skip(step)):
            self.say(t("skip_not_allowed", self.lang))
            self.ask(step)
            return
        run = self.optional_run(step)
        for passed, after in zip(run, run[1:]):
            self.s.answers[passed.id] = None
            self.out.effects.append(SaveAnswer(passed.id, None))
            if not self.s.history or self.s.history[-1] != passed.id:
                self.s.history.append(passed.id)
            self.s.step = after.id
        kind_of(run[-1]).skip(self, run[-1])

    def alerts(self) -> None:
        for alert, when in self.engine.route.alerts:
            if alert.id not in self.s.alerts_shown and when(self.s.answers):
                self.s.alerts_shown.append(alert.id)
                self.say(alert.text.get(self.lang), kind="alert")
                self.out.effects.append(RecordEvent("alert", {"alert": alert.id}))

    # --- asking -----------------------------------------------------------------------------

    def ask(self, step: Step, prefix: str | None = None) -> None:
        """Show the question of `step` with its buttons (or the facts read from evidence, to confirm first)."""
        self.out.replies.append(self.question_of(step, prefix))

    def question_of(self, step: Step, prefix: str | None = None, text: bool = True) -> Reply:
        """The question of `step` as it is shown now. Without `text`, only its buttons are worked out: what
        a typed number or a button's name is read against (the lines are left out)."""
        lang = self.lang
        fixing = fact_fix.fixing(self.s)
        if fixing and fact_fix.filling(self.s) is not None:
            # A fact of this merged question asked alone (engine/fact_fix.py): its own short question.
            return fact_fix.fill_question(self, prefix, text)
        if self.s.proposal is not None and not fixing:
            # The proposal's own question (engine/fact_fix.py), which it adds to the replies itself.
            out, self.out = self.out, Outcome(state=self.s)
            try:
                fact_fix.ask(self, prefix)
                return self.out.replies[-1]
            finally:
                self.out = out
        kind = kind_of(step)
        q = Question([prefix, step.prompt.get(lang)] if prefix else [step.prompt.get(lang)])
        kind.question(self, step, q)
        lines, buttons = q.lines, q.buttons
        if kind.shows_current and step.id in self.s.answers:
            if text:
                lines.append(t("hint.current", lang, value=self.display(step, self.s.answers.get(step.id))))
            buttons.append(nav_button("_keep", lang))
        nav: list[Button] = []
        if self.s.history or fixing:
            nav.append(nav_button("_back", lang))
        if step.optional and kind.skip_button:
            nav.append(nav_button("_skip", lang))
            more = self.optional_run(step)[1:]
            if more:
                # Several optional questions in a row: one tap passes them all, and the line says which.
                if text:
                    labels = ("、" if lang == "zh" else ", ").join(self.label_of(s) for s in more)
                    lines.append(t("hint.skip_rest", lang, count=len(more), labels=labels))
                nav.append(Button(t("nav.skip_rest", lang, count=len(more) + 1), "_skip_rest"))
        if self.s.failures >= 3:
            nav.append(nav_button("_help", lang))
        return Reply(
            text="\n".join(lines) if text else "", buttons=tuple(buttons + nav), expects=kind.expects, seq=self.s.seq, kind="question"
        )

    def retry(self, step: Step, problem: Rejected) -> None:
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
            about = step.help.get(self.lang) if step.help else kind_of(step).about(step, self.lang)
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
        if step.fills:
            if isinstance(step, TextStep) and isinstance(value, str):
                fills = merged.text_fills(step, value)
            same = {f.id: value for f in step.fills if f.kind == "same" and value is not None}
            fills = {**(fills or {}), **same}
        if step_id in self.s.answers:
            for key in step.writes:
                if key not in (fills or {}) and self.s.answers.pop(key, None) is not None:
                    self.out.effects.append(SaveAnswer(key, None))
                    if key in self.s.known:
                        self.s.known.remove(key)
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

    def accept(self, step: Step, result: Accepted | Rejected) -> None:
        if isinstance(result, Rejected):
            self.retry(step, result)
        else:
            self.save(step.id, result.value, result.label)

    def text(self, step: Step, raw: str) -> None:
        if fact_fix.filling(self.s) is not None:
            fact_fix.read_fill(self, raw)
            return
        if self.s.proposal is not None and not fact_fix.fixing(self.s):
            if fact_fix.typed(self, raw):
                # On the list of facts, or a correction that names its fact ("号码是 139…").
                return
            named = self.value_for_text(step, raw)
            if named in ("_accept", "_reject"):
                self.settle_proposal(named == "_accept")
                return
            # Answering the question instead of the proposal: the proposal is set aside.
            self.s.proposal = None
        kind = kind_of(step)
        if kind.numbers_pick_buttons:
            # The number of a shown button works wherever a number is not itself the answer
            # (a multiple choice reads "1,3" as its options).
            number = small_number(clean_text(raw))
            if number is not None:
                shown = self.shown = self.shown_buttons(step)
                if 1 <= number <= len(shown):
                    self.button_or_navigation(step, shown[number - 1].value)
                    return
        if kind.names_buttons:
            named = self.button_named(step, raw, self.shown)
            if named is not None:
                self.button_or_navigation(step, named)
                return
        kind.read_text(self, step, raw)

    def clock_of(self, step: Step) -> tuple[str, str]:
        """The zone and date order a time in a merged answer is read in (the case's country)."""
        source = next((f.region_from for f in step.fills if f.region_from), None) or getattr(step, "region_from", None)
        region = self.engine.regions.for_answers(self.s.answers, source, self.lang) or NO_REGION
        return zone_of_call(region, self.s.answers, self.s.timezone), region.date_order

    def save_with_fills(self, step: Step, value: Any, label: str, found: dict[str, Any]) -> None:
        """Keep the fills whose `when` holds with the new answer; say a time back, as its own question would."""
        answers = {**self.s.answers, step.id: value}
        kept = {}
        for fill in step.fills:
            if fill.id in found and (fill.when is None or holds(fill.when, answers)):
                kept[fill.id] = found[fill.id]
                if fill.kind == "time":
                    self.say(t("time.noted", self.lang, when=describe_when(found[fill.id], self.lang)), kind="info")
        self.save(step.id, value, label, kept)

    def button_or_navigation(self, step: Step, value: str) -> None:
        if not self.navigation(value):
            self.button(step, value)

    def button_named(self, step: Step, raw: str, shown: tuple[Button, ...] | None = None) -> str | None:
        """At a question that takes typed text: a shown button named exactly (跳过, 同上, « 上一步),
        so those words are not stored as the answer. `shown`: the buttons, when the caller has them already."""
        typed = normalise(raw)
        if not typed:
            return None
        for button in self.shown_buttons(step) if shown is None else shown:
            if typed == normalise(button.label) or typed in _named_by(button.value):
                return button.value
        return None

    def shown_buttons(self, step: Step) -> tuple[Button, ...]:
        """The buttons under the question as it is shown now (their numbers are what people type)."""
        return self.question_of(step, text=False).buttons

    def value_for_text(self, step: Step, raw: str, shown: tuple[Button, ...] | None = None) -> str | None:
        """Typed text at a button step: the shown button it names by label, synonym or a near spelling.
        `shown`: the buttons, when the caller has them already."""
        more = kind_of(step).button_terms(step)
        answers: list[tuple[str, list[str]]] = []
        navigation: list[tuple[str, tuple[str, ...]]] = []
        for button in self.shown_buttons(step) if shown is None else shown:
            terms = [button.label, button.value, *more.get(button.value, ())]
            if button.value in ("_accept", "_reject"):
                terms += button_words("_yes" if button.value == "_accept" else "_no")
            answers.append((button.value, terms))
            navigation.append((button.value, button_words(button.value)))
        # An option's own words come first: 不知道 is "not sure" where that is an option, else "skip".
        return pick(answers, raw) or pick(navigation, raw)

    def button(self, step: Step, value: str) -> None:
        if not kind_of(step).press(self, step, value):
            self.retry(step, Rejected("error.choice"))

    # --- evidence ---------------------------------------------------------------------------

    def files(self, step: Step, event: FileInput) -> None:
        target = step if isinstance(step, EvidenceStep) else self.engine.evidence
        if target is None:
            self.retry(step, Rejected("error.evidence_kind"))
            return
        added, problem = keep_evidence(self, target, event.items)
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

    # --- summary ----------------------------------------------------------------------------

    def path_answered(self) -> list[Step]:
        """Answer-taking steps on the current path (given the answers) before the summary."""
        found: list[Step] = []
        step_id: str | None = self.flow.start
        guard, nodes, answers = 0, self.nodes, self.s.answers
        while step_id is not None and guard <= len(nodes):
            guard += 1
            node = nodes[step_id]
            if node.kind.ends_answers:
                break
            if node.listed and step_id in answers and not (node.when is not None and not node.when(answers)):
                found.append(node.step)
            step_id = node.next_id(answers) if node.branches else node.goto
        return found

    def summary_lines(self) -> list[str]:
        return [
            f"• {self.label_of(s)}: {self.display(s, self.s.answers.get(s.id))}{self.fills_shown(s, 200)}"
            for s in self.path_answered()
        ]

    def fills_shown(self, step: Step, cut: int) -> str:
        """What a merged answer added besides its value (a time, the person's words), in brackets; the
        parts of a text answer are in the text already."""
        if not step.fills:
            return ""
        shown = []
        for fill in step.fills:
            value = self.s.answers.get(fill.id)
            if value is None or fill.kind not in ("time", "detail") or self.flow.has(fill.id):
                # A fill that answered a later question is shown at that question.
                continue
            text = describe_when(value, self.lang) if fill.kind == "time" else str(value)
            text = text if len(text) <= cut else text[: cut - 1] + "…"
            shown.append(f"{fill.label.get(self.lang)}{'：' if self.lang == 'zh' else ': '}{text}")
        if not shown:
            return ""
        return f"（{'；'.join(shown)}）" if self.lang == "zh" else f" ({'; '.join(shown)})"

    def label_of(self, step: Step) -> str:
        return step.label.get(self.lang) if step.label else step.id

    def display(self, step: Step, value: Any) -> str:
        """An answer as the summary shows it; a skipped one says so."""
        if value is None:
            return t("summary.skipped", self.lang)
        return kind_of(step).display(self, step, value)


def describe_answers(engine: Engine, answers: dict[str, Any], lang: str) -> list[str]:
    """The answers of a stored case as summary lines ("• Label: value"), for /case."""
    probe = Turn(engine, Outcome(state=SessionState(lang=lang, answers=dict(answers))), NO_TIME)
    return probe.summary_lines()
