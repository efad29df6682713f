"""Fixing one fact of a proposal: after [改一下] the facts read from evidence are listed as buttons, the
person re-answers only the wrong one and confirms the rest (follow-up to issue 13).

Before, [改一下] threw the whole proposal away, so a screenshot read right but for one number cost every
question again. Now, with more than one fact proposed, [改一下] shows one button per fact ("✏️ 号码 138…"),
"全部重新回答" (the old behaviour) and "✅ 其余都对". Tapping a fact marks it wrong and asks its question
(the step that asks it, with its usual buttons and parsing); the answer brings the person back to the
list, or on to the next question when no fact is left. A correction can also be typed: "号码是 139…"
names its fact; a bare number or time is tried against the number and time facts, and when it fits
exactly one it is that fact's, else the person is asked which. A fact marked wrong and not answered is
never written: only what is still listed when "✅ 其余都对" is tapped is saved.

A fact that a merged question fills and that has no question of its own ("since" of "几乎每天，从9月开始",
the company of an SMS) is asked alone: only its own short question, read as its kind (a time, a sum, words),
so the merged question's other facts are neither asked again nor overwritten; they stay as proposed.

The state lives in the session's `proposal` dict (plain JSON): `listing` (the list is shown), `at` (the
question the proposal stood at), `fixing` (the step being re-answered), `fill` (the fact asked alone, at
its merged step), `wrong` (facts marked wrong), `typed` (a correction waiting for "which fact?"). Pure, like
the rest of the engine.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.answers import Rejected, clean_text, looks_garbled, small_number
from engine.choice_match import normalise
from engine.i18n import button_words, render, t
from engine.merged import amount_in
from engine.model import Fill, Step
from engine.parsing import parse_when
from engine.parsing.datetimes import TimeProblem
from engine.regions import NO_REGION, zone_of_call
from engine.replies import Button, Outcome, Reply, SaveAnswer
from engine.state import SessionState
from engine.steps import kind_of
from engine.when_text import day_text, describe_when, is_day_only

if TYPE_CHECKING:
    from engine.engine import Turn

TEXTS: dict[str, dict[str, str]] = {
    "fix.pick": {"zh": "哪一项读错了？点它只改这一项；其余没问题就点「✅ 其余都对」。",
                 "en": "Which one was read wrong? Tap it to change just that one; if the rest is fine, tap \"✅ The rest is right\"."},
    "fix.changed": {"zh": "已改：{label}：{value}", "en": "Changed: {label}: {value}"},
    "fix.later": {"zh": "不保存、稍后再问：{labels}", "en": "Not kept, asked later: {labels}"},
    "fix.asking": {"zh": "读到的{label}：{value}。请重新回答：", "en": "{label} as read: {value}. Your answer:"},
    "fix.which": {"zh": "这是要改哪一项？点一下那一项。", "en": "Which one is that a correction of? Tap it."},
    "fix.fact": {"zh": "✏️ {label} {value}", "en": "✏️ {label} {value}"},
    "fix.only": {"zh": "只答{label}就行，{others}照读到的保留。", "en": "Just the {label}: {others} stay as read."},
    "fix.fill_time": {"zh": "{label}：请写日期，例如「9月」或「2026年10月15日」。",
                      "en": "{label}: please write the date, e.g. \"September\" or \"15 October 2026\"."},
    "fix.fill_amount": {"zh": "{label}：请写金额，例如 5000。", "en": "{label}: please write the amount, e.g. 5000."},
    "fix.fill_text": {"zh": "请写上{label}。", "en": "Please write the {label}."},
    "fix.all": {"zh": "🔄 全部重新回答", "en": "🔄 Answer all again"},
    "fix.rest": {"zh": "✅ 其余都对", "en": "✅ The rest is right"},
}
# A fact button stays short enough for every platform (WeChat menu items, Telegram's narrow keyboards).
MAX_BUTTON = 48
# The facts most often read, named in a word on their buttons so the value read fits ("✏️ 号码 138…").
SHORT = {
    "caller_numbers": {"zh": "号码", "en": "Number"},
    "last_contact_at": {"zh": "时间", "en": "Time"},
    "since": {"zh": "开始", "en": "Since"},
    "company": {"zh": "公司", "en": "Company"},
    "content": {"zh": "内容", "en": "Text"},
    "jurisdiction": {"zh": "地区", "en": "Country"},
    "issue_type": {"zh": "类型", "en": "Kind"},
}
# Typed words that name the list's own buttons.
WORDS = {
    "_fix_rest": ("其余都对", "其他都对", "其它都对", "其余没问题", "其余正确", "剩下都对", "对", "都对", "没错", "rest is right",
                  "the rest is right", "rest ok", "the rest is fine", "rest is fine", "ok", "right", "correct"),
    "_fix_all": ("全部重新回答", "全部重新", "重新回答", "全部重答", "都重新回答", "重来", "answer all again", "all again", "start over",
                 "redo all"),
}
# Words a typed correction may start with, besides the labels of the facts: "号码是 139…", "time: 3pm".
NAMES = {
    "caller_numbers": ("号码", "电话号码", "电话", "来电号码", "手机号", "号", "number", "numbers", "phone number", "phone", "caller"),
    "last_contact_at": ("时间", "最近一次", "最近", "日期", "几点", "time", "date", "when", "latest"),
    "since": ("开始", "从何时开始", "开始时间", "since", "started"),
    "company": ("公司", "单位", "商家", "company", "business", "sender"),
    "jurisdiction": ("地区", "国家", "country", "region"),
    "issue_type": ("类型", "问题类型", "type", "kind"),
    "content": ("内容", "短信内容", "content", "text", "message"),
}
_JOIN = re.compile(r"^\s*(?:应该是|应该|改成|改为|换成|是|为|:|：|=|->|should be|is|was)?\s*", re.IGNORECASE)
# What "号码不对" says after the fact's name: only that it is wrong.
_WRONG = frozenset(normalise(w) for w in ("不对", "错了", "有误", "错", "不是", "wrong", "is wrong", "incorrect", "not right"))
_RIGHT = frozenset(normalise(w) for w in ("对", "没错", "正确", "都对", "是对的", "right", "are right", "is right", "correct", "ok", "fine"))
# The kinds a bare correction is tried against: their readers refuse what is not theirs (free text and
# choices would take almost anything, so those need their name or a tap). A time asked alone counts too.
GUESSED_TYPES = ("phone", "datetime")
# The longest answer a fact asked alone keeps as words (a company, a detail).
MAX_FILL_TEXT = 300


def ft(key: str, lang: str, **values: Any) -> str:
    return render(TEXTS, key, lang, **values)


def _proposal(s: SessionState) -> dict[str, Any]:
    return s.proposal or {}


def fixing(s: SessionState) -> bool:
    """A listed fact's question is open: its answer goes back to the list."""
    p = s.proposal
    return p is not None and p.get("fixing") is not None and p.get("fixing") == s.step


def filling(s: SessionState) -> str | None:
    """The fact asked alone while its merged question is the open step (see the module's note), if any."""
    p = s.proposal
    key = p.get("fill") if p is not None and fixing(s) else None
    return key if isinstance(key, str) else None


def listing(s: SessionState) -> bool:
    p = s.proposal
    return p is not None and bool(p.get("listing")) and not fixing(s)


def owner(turn: Turn, key: str) -> Step:
    """The step that asks `key`: its own, or the merged step that fills it."""
    flow = turn.flow
    return flow.step(key if flow.has(key) else flow.filled_by(key) or key)


def fill_of(turn: Turn, key: str) -> Fill:
    """The fill `key` of the merged question that writes it (a key with no question of its own)."""
    return next(f for f in owner(turn, key).fills if f.id == key)


def label(turn: Turn, key: str) -> str:
    if turn.flow.has(key):
        return turn.label_of(turn.flow.step(key))
    return fill_of(turn, key).label.get(turn.lang)


def shown(turn: Turn, key: str, value: Any) -> str:
    if turn.flow.has(key):
        return turn.display(turn.flow.step(key), value)
    fill = fill_of(turn, key)
    return describe_when(value, turn.lang) if fill.kind == "time" and isinstance(value, str) else str(value)


def _name(turn: Turn, key: str) -> str:
    """A fact named in a word where it has one ("号码"), else by its label."""
    return SHORT[key][turn.lang if turn.lang in SHORT[key] else "en"] if key in SHORT else label(turn, key)


def fact_button(turn: Turn, key: str, value: Any) -> str:
    """"✏️ 号码 138 0013 8000"; a time read only to the day shows the day alone (no hour was read)."""
    name = _name(turn, key)
    text = day_text(datetime.fromisoformat(value), turn.lang) if is_day_only(value) else shown(turn, key, value)
    return _short(ft("fix.fact", turn.lang, label=name, value=text))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_BUTTON else text[: MAX_BUTTON - 1] + "…"


def open_list(turn: Turn) -> bool:
    """[改一下] on a proposal of several facts: list them. False when there is one fact (it is simply asked)
    or the list is already shown ("answer all again")."""
    p = turn.s.proposal
    if p is None or p.get("listing") or len(p.get("answers") or {}) < 2:
        return False
    p.update(listing=True, at=turn.s.step, wrong=[])
    turn.out.answered = t("nav.change", turn.lang)
    turn.s.seq += 1
    ask(turn)
    return True


def ask(turn: Turn, prefix: str | None = None) -> None:
    """The proposal as shown now: its text with [对] [改一下], or the list of its facts."""
    p, lang = _proposal(turn.s), turn.lang
    if not p.get("listing"):
        text = "\n".join(x for x in (prefix, str(p.get("text") or "")) if x)
        confirm = (Button(t("nav.right", lang), "_accept"), Button(t("nav.change", lang), "_reject"))
        turn.out.replies.append(Reply(text=text, buttons=confirm, expects="confirm", seq=turn.s.seq, kind="question"))
        return
    lines = [prefix] if prefix else []
    wrong = [k for k in p.get("wrong") or [] if k not in turn.s.answers]
    if wrong:
        sep = "、" if lang == "zh" else ", "
        lines.append(ft("fix.later", lang, labels=sep.join(label(turn, k) for k in wrong)))
    lines.append(ft("fix.which" if p.get("typed") else "fix.pick", lang))
    buttons = [Button(fact_button(turn, k, v), f"_fix:{k}") for k, v in (p.get("answers") or {}).items()]
    buttons += [Button(ft("fix.all", lang), "_fix_all"), Button(ft("fix.rest", lang), "_fix_rest")]
    turn.out.replies.append(Reply(text="\n".join(lines), buttons=tuple(buttons), expects="confirm", seq=turn.s.seq, kind="question"))


def press(turn: Turn, value: str) -> bool:
    """A tap while a proposal is shown (not while one of its facts is being answered); True when handled."""
    s = turn.s
    if fixing(s):
        if filling(s) is None:
            return False
        # Only « back is shown at a fact asked alone: an option of its merged question is not on screen.
        turn.retry(turn.current_step(), Rejected("error.choice"))
        return True
    if value in ("_accept", "_reject"):
        turn.settle_proposal(value == "_accept")
        return True
    if not value.startswith("_fix"):
        return False
    p = _proposal(s)
    key = value[5:] if value.startswith("_fix:") else None
    if not p.get("listing") or (key is not None and key not in (p.get("answers") or {})) or (
            key is None and value not in ("_fix_all", "_fix_rest")):
        # Not on the list shown (forged, or a list already settled): refused, the proposal shown again.
        turn.say(t("error.choice", turn.lang), kind="error")
        ask(turn)
        return True
    if key is not None:
        typed, p["typed"] = p.get("typed"), None
        was = asking(turn, key, p["answers"][key])
        turn.out.answered = fact_button(turn, key, p["answers"][key])
        if typed:
            correct(turn, key, typed)
        else:
            turn.ask(begin(turn, key), was)
        return True
    s.step = p.get("at") or s.step
    turn.settle_proposal(value == "_fix_rest")
    turn.out.answered = ft("fix.rest" if value == "_fix_rest" else "fix.all", turn.lang)
    return True


def asking(turn: Turn, key: str, value: Any) -> str:
    """"读到的号码：138…。请重新回答：", and when the question that asks it fills other facts still listed,
    that only this one is to be answered (they stay as read)."""
    was = ft("fix.asking", turn.lang, label=label(turn, key), value=shown(turn, key, value))
    step = owner(turn, key)
    read = _proposal(turn.s).get("answers") or {}
    others = [k for k in (step.id, *step.writes) if k != key and k in read]
    if not others:
        return was
    sep = "、" if turn.lang == "zh" else ", "
    return was + "\n" + ft("fix.only", turn.lang, label=label(turn, key), others=sep.join(_name(turn, k) for k in others))


def begin(turn: Turn, key: str) -> Step:
    """Mark `key` wrong and make its question the open one (not shown yet): its own step, or for a fact
    with none, its merged step with the fact asked alone."""
    s, p = turn.s, _proposal(turn.s)
    p["answers"].pop(key, None)
    p["wrong"] = [*(k for k in p.get("wrong") or [] if k != key), key]
    step = owner(turn, key)
    p["fill"] = None if turn.flow.has(key) else key
    p["fixing"] = step.id
    s.step = step.id
    s.seq += 1
    s.failures, s.edit_list, s.multi = 0, False, False
    s.selected = kind_of(step).selection(step, s.answers.get(step.id))
    return step


def correct(turn: Turn, key: str, raw: str) -> None:
    """A typed correction of `key`: read by its question as a typed answer would be (asked again with the
    reason when it does not read). "号码不对" only says it is wrong: its question is asked."""
    read = _proposal(turn.s).get("answers") or {}
    was = asking(turn, key, read[key]) if key in read else None
    step = begin(turn, key)
    if normalise(raw) in _WRONG:
        turn.ask(step, was)
    elif filling(turn.s) is not None:
        read_fill(turn, raw)
    else:
        kind_of(step).read_text(turn, step, raw)


def fill_question(turn: Turn, prefix: str | None, text: bool = True) -> Reply:
    """The question of a fact asked alone: its label and what to write, with « back to the list."""
    key = filling(turn.s) or ""
    fill, lang = fill_of(turn, key), turn.lang
    what = "fix.fill_time" if fill.kind == "time" else "fix.fill_amount" if fill.kind == "amount" else "fix.fill_text"
    lines = [x for x in (prefix, ft(what, lang, label=fill.label.get(lang))) if x] if text else []
    expects = "datetime" if fill.kind == "time" else "number" if fill.kind == "amount" else "text"
    back = Button(t("nav.back", lang), "_back")
    return Reply(text="\n".join(lines), buttons=(back,), expects=expects, seq=turn.s.seq, kind="question")


def read_fill(turn: Turn, raw: str) -> None:
    """A typed answer to a fact asked alone: read as its kind and written as that fact only; the merged
    question's own answer and its other facts are left as they were."""
    s, key = turn.s, filling(turn.s) or ""
    if normalise(raw) in {normalise(w) for w in button_words("_back")}:
        back_to_list(turn)
        return
    fill, step = fill_of(turn, key), turn.current_step()
    value = _fill_value(turn, fill, clean_text(raw))
    if isinstance(value, Rejected):
        turn.retry(step, value)
        return
    if fill.kind == "time":
        turn.say(t("time.noted", turn.lang, when=describe_when(value, turn.lang)), kind="info")
    s.answers[key] = value
    turn.out.effects.append(SaveAnswer(key, value))
    turn.out.answered = shown(turn, key, value)
    answered(turn, key)


def _fill_value(turn: Turn, fill: Fill, text: str) -> Any:
    """`text` as the value of `fill` (stored as its merged question would store it), or why not."""
    if not text:
        return Rejected("error.empty")
    if looks_garbled(text):
        return Rejected("error.not_text")
    if fill.kind == "amount":
        amount = amount_in(text)
        return Rejected("error.number") if amount is None else amount
    if fill.kind != "time":
        if len(text) > MAX_FILL_TEXT:
            return Rejected("error.too_long", {"length": len(text), "max": MAX_FILL_TEXT})
        return text
    # The case's country as proposed counts too: its clock and date order read the time.
    answers = {**(_proposal(turn.s).get("answers") or {}), **turn.s.answers}
    region = turn.engine.regions.for_answers(answers, fill.region_from, turn.lang) or NO_REGION
    zone = zone_of_call(region, answers, turn.s.timezone)
    parsed = parse_when(text[:200], turn.now, zone, turn.lang, date_order=region.date_order)
    if isinstance(parsed, TimeProblem):
        return Rejected(f"error.time_{parsed.reason}")
    if parsed.coarser_than(fill.coarsest):
        return Rejected(f"error.time_too_vague.{fill.coarsest}")
    return parsed.to_iso()


def answered(turn: Turn, fact: str | None = None) -> None:
    """The fact's question was answered (or skipped): what it answered leaves the list; back to the list,
    or on with the rest confirmed when nothing is left to confirm. `fact`: the fact asked alone, when it
    was one (its merged question stays unanswered)."""
    s, p = turn.s, _proposal(turn.s)
    step = turn.current_step()
    for key in list(p.get("answers") or {}):
        if key in s.answers:
            p["answers"].pop(key)
    for key in (step.id, *step.writes) if fact is None else ():
        if key in s.answers and turn.flow.has(key) and key not in s.known:
            # Answered here: not asked again when the flow reaches it.
            s.known.append(key)
    turn.alerts()
    if fact is None:
        changed = ft("fix.changed", turn.lang, label=turn.label_of(step), value=turn.display(step, s.answers.get(step.id)))
    else:
        changed = ft("fix.changed", turn.lang, label=label(turn, fact), value=shown(turn, fact, s.answers.get(fact)))
    p["fixing"] = p["fill"] = None
    s.step = p.get("at") or s.step
    if not p.get("answers"):
        s.proposal = None
        turn.enter(turn.first_open_from(s.step or turn.flow.start), prefix=changed, past_known=True)
        return
    s.seq += 1
    ask(turn, changed)


def back_to_list(turn: Turn) -> None:
    """« Back at a fact's question: the list again (the fact stays marked wrong: it is asked later)."""
    p = _proposal(turn.s)
    p["fixing"] = p["fill"] = None
    turn.s.step = p.get("at") or turn.s.step
    turn.s.seq += 1
    if not p.get("answers"):
        turn.s.proposal = None
        turn.enter(turn.first_open_from(turn.s.step or turn.flow.start), past_known=True)
        return
    ask(turn)


def leave(turn: Turn) -> None:
    """A new proposal replaces this one: the question it stood at is open again."""
    p = turn.s.proposal
    if p is not None and p.get("at"):
        turn.s.step = p["at"]


def typed(turn: Turn, raw: str) -> bool:
    """Typed text while a proposal is shown. On the list (always True): a button by number or words, a
    named correction, a bare number or time that fits one fact, or "which one?". At [对]/[改一下]: only
    a named correction ("号码是 139…", "号码不对"); False otherwise (the text is read as before)."""
    p = _proposal(turn.s)
    named = _named(turn, raw)
    if not p.get("listing"):
        if named is None or normalise(named[1]) in _RIGHT:
            # "号码对" confirms like "对": the proposal's own buttons read it.
            return False
        p.update(listing=True, at=turn.s.step, wrong=[])
        correct(turn, *named)
        return True
    number = small_number(raw)
    buttons = [f"_fix:{k}" for k in p.get("answers") or {}] + ["_fix_all", "_fix_rest"]
    if number is not None and 1 <= number <= len(buttons):
        return press(turn, buttons[number - 1])
    words = normalise(raw)
    for value, said in WORDS.items():
        if words in {normalise(w) for w in said}:
            return press(turn, value)
    if words in {normalise(w) for w in button_words("_edit_list")}:
        # "改一下" again: the list is what it asks for.
        p["typed"] = None
        ask(turn)
        return True
    if named is not None:
        correct(turn, *named)
        return True
    candidates = [*(p.get("answers") or {}), *(k for k in p.get("wrong") or [] if k not in turn.s.answers)]
    fits = [probe for key in candidates if (probe := _tried(turn, key, raw)) is not None]
    if len(fits) == 1:
        _adopt(turn, fits[0])
        return True
    p["typed"] = raw[:300]
    turn.s.seq += 1
    ask(turn)
    return True


def _named(turn: Turn, raw: str) -> tuple[str, str] | None:
    """("号码是 139 1234 5678") -> ("caller_numbers", "139 1234 5678"): a listed fact named at the start."""
    p = _proposal(turn.s)
    keys = [*(p.get("answers") or {}), *(k for k in p.get("wrong") or [] if k not in turn.s.answers)]
    text = raw.strip()
    folded = text.casefold()
    best: tuple[int, str, str] | None = None
    for key in keys:
        for name in (label(turn, key), *NAMES.get(key, ())):
            name = name.casefold()
            if name and folded.startswith(name) and (best is None or len(name) > best[0]):
                rest = _JOIN.sub("", text[len(name):], count=1).strip()
                if rest:
                    best = (len(name), key, rest)
    return None if best is None else (best[1], best[2])


def _tried(turn: Turn, key: str, raw: str) -> Turn | None:
    """`raw` read as a correction of `key` on a copy of the state: the copy when it was taken, else None."""
    guessed = owner(turn, key).type in GUESSED_TYPES if turn.flow.has(key) else fill_of(turn, key).kind == "time"
    if not guessed:
        return None
    probe = type(turn)(turn.engine, Outcome(state=turn.s.copy()), turn.now)
    correct(probe, key, raw)
    if fixing(probe.s) or any(r.kind == "error" for r in probe.out.replies):
        return None
    return probe


def _adopt(turn: Turn, probe: Turn) -> None:
    turn.out.state = turn.s = probe.s
    turn.out.replies.extend(probe.out.replies)
    turn.out.effects.extend(probe.out.effects)
    turn.out.answered = probe.out.answered
