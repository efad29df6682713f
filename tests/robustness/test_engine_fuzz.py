"""Whatever arrives, at whatever step, the engine answers and keeps a state it can save and resume.

Random sequences of texts, taps (real, stale and forged), evidence items and commands are thrown at
the engine running the shipped flows.yaml with the real channel advisor, starting from a state
positioned at every step of the flow (reached by completing real complaints), plus the idle, paused,
done and editing states.
"""
from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.engine import ENGINE_COMMANDS, Engine
from engine.evidence import EvidenceItem
from engine.events import ButtonPress, Command, Event, FileInput, TextInput
from engine.model import EVIDENCE_KINDS, EndStep, EvidenceStep, MessageStep
from engine.replies import Outcome, Reply, StartCase
from engine.state import ACTIVE, DONE, IDLE, PAUSED, SessionState
from tests.robustness.inputs import FORGED_VALUES
from tests.robustness.walk import NOW, PLANS, walk_engine

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- the states to start from ------------------------------------------------------------------


def starting_states(engine: Engine) -> list[SessionState]:
    states: list[SessionState] = []
    for plan in PLANS.values():
        states += walk_engine(engine, plan)
    mid = next(s for s in states if s.step == "content")
    paused = copy.deepcopy(mid)
    paused.status = PAUSED
    struggling = copy.deepcopy(mid)
    struggling.failures = 5
    summary = next(s for s in states if s.step == "summary")
    editing = engine.advance(summary, ButtonPress("_edit:content"), NOW).state
    assert editing.editing and editing.step == "content"
    return [SessionState(lang="zh"), SessionState(lang="en", status=IDLE), paused, struggling, editing, *states]


@pytest.fixture(scope="module")
def states(engine: Engine) -> list[SessionState]:
    return starting_states(engine)


def test_the_starting_states_stand_at_every_question_of_the_flow(engine: Engine, states: list[SessionState]) -> None:
    asking = {s.id for s in engine.flow.steps if not isinstance(s, (MessageStep, EndStep))}
    assert asking <= {s.step for s in states}
    assert {IDLE, ACTIVE, PAUSED, DONE} <= {s.status for s in states}


# --- what gets thrown at it ----------------------------------------------------------------------

CONTROL = st.characters(codec=None, categories=["Cc", "Cf", "Co", "Zl", "Zp"])
texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=CONTROL, max_size=60),
    st.builds(lambda part, n: part * n, st.text(min_size=1, max_size=8), st.integers(500, 12_000)),
    st.sampled_from(
        [
            "", " ", "\n", "1", "2", "99", "0", "-1", "yes", "no", "done", "完成", "ok", "好了", "y", "是",
            "138 0013 8000", "+1 (202) 555-0143", "95555", "1069 1234 5678", "昨天下午3点", "2026-11-20 14:30",
            "2030-01-01", "2026-02-30 10:00", "1e9", "NaN", "inf", "1,2,3", "time, stress", "1 2 3 4 5 6 7 8",
            "a@example.com", "_done", "_ok", "/new", "//x", "　", "\u200b", "\ufeff", "\ud7ff",
        ]
    ),
)



def evidence_items() -> st.SearchStrategy[EvidenceItem]:
    shas = st.one_of(st.sampled_from([f"{n:064x}" for n in range(1, 6)]), st.text("0123456789abcdef", min_size=64, max_size=64))
    sizes = st.one_of(
        st.sampled_from([0, -1, 1, 20 * 1024 * 1024, 20 * 1024 * 1024 + 1, 10**12]),
        st.integers(min_value=-10, max_value=50 * 1024 * 1024),
    )
    return st.builds(
        EvidenceItem,
        sha256=shas,
        kind=st.sampled_from([*EVIDENCE_KINDS, "unknown", "exe", ""]),
        mime=st.sampled_from(["image/png", "application/pdf", "application/octet-stream", ""]),
        size=sizes,
        received_at=st.just(NOW.isoformat()),
        filename=st.one_of(st.none(), st.text(max_size=40)),
        caption=st.one_of(st.none(), st.text(max_size=40)),
        origin=st.one_of(st.none(), st.just({"sender": "someone", "date": NOW.isoformat()})),
    )


def events_for(engine: Engine, state: SessionState, last: list[Reply]) -> st.SearchStrategy[Event]:
    """Anything a person or a broken client could send next, given what the bot last showed."""
    shown = [b.value for r in last for b in r.buttons]
    step_ids = [s.id for s in engine.flow.steps]
    option_values = sorted({o.value for s in engine.flow.steps for o in getattr(s, "options", [])})
    seqs = st.one_of(st.none(), st.just(state.seq), st.integers(-3, state.seq + 3), st.integers())
    buttons = st.builds(
        ButtonPress,
        st.one_of(
            st.sampled_from(shown) if shown else st.nothing(),
            st.sampled_from(FORGED_VALUES + [f"_edit:{i}" for i in step_ids] + option_values),
            st.text(max_size=40),
        ),
        seqs,
    )
    max_items = max((s.max_items for s in engine.flow.steps if isinstance(s, EvidenceStep)), default=30)
    files = st.builds(
        lambda items: FileInput(items=tuple(items)), st.lists(evidence_items(), max_size=max_items + 5)
    )
    commands = st.builds(
        Command,
        st.one_of(
            st.sampled_from([*ENGINE_COMMANDS, "cases", "case", "delete", "export", "file", "START", "Lang", ""]),
            st.text(max_size=20),
        ),
        st.one_of(st.sampled_from(["", "en", "zh", "fr", "1", "999", "ZH-cn"]), st.text(max_size=30)),
    )
    return st.one_of(texts.map(TextInput), buttons, buttons, files, commands)


# --- the properties ------------------------------------------------------------------------------


def check(engine: Engine, event: Event, out: Outcome) -> None:
    where = f"after {event!r:.300}"
    assert out.replies, f"no reply {where}"
    assert any(r.text.strip() for r in out.replies), f"only empty replies {where}"
    for reply in out.replies:
        for button in reply.buttons:
            assert button.label.strip() and button.value, f"blank button {button} {where}"
    state = out.state
    json.dumps(state.to_dict(), allow_nan=False)
    assert state.step is None or engine.flow.has(state.step), f"unknown step {state.step!r} {where}"
    assert state.status in (IDLE, ACTIVE, PAUSED, DONE), where
    if state.status == ACTIVE:
        assert state.step is not None, f"active without a step {where}"
        assert not isinstance(engine.flow.step(state.step), (MessageStep, EndStep)), where
    for step in engine.flow.steps:
        if isinstance(step, EvidenceStep):
            items = state.answers.get(step.id) or []
            shas = [i["sha256"] for i in items]
            assert len(items) <= step.max_items and len(set(shas)) == len(shas), where
            assert all(int(i["size"]) > 0 and i["kind"] in step.accept for i in items), where
    assert SessionState.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def run_sequence(engine: Engine, start: SessionState, data: st.DataObject, length: int) -> None:
    state = copy.deepcopy(start)
    last = engine.current_question(state)
    for _ in range(length):
        event = data.draw(events_for(engine, state, last))
        out = engine.advance(state, event, NOW)
        check(engine, event, out)
        state = out.state
        if any(isinstance(e, StartCase) for e in out.effects):
            state.case_id = (state.case_id or 0) + 1
        last = out.replies


@FUZZ
@given(data=st.data())
def test_random_input_from_any_step_always_gets_an_answer_and_a_sound_state(
    engine: Engine, states: list[SessionState], data: st.DataObject
) -> None:
    start = data.draw(st.sampled_from(states), label="start")
    run_sequence(engine, start, data, data.draw(st.integers(1, 12), label="length"))


KINDS_OF_QUESTION = [
    "jurisdiction", "caller_numbers", "last_contact_at", "frequency", "harm", "evidence", "channel", "contact", "summary"
]


@pytest.mark.parametrize("step_id", KINDS_OF_QUESTION)
@settings(FUZZ, max_examples=15, suppress_health_check=[*FUZZ.suppress_health_check, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_each_kind_of_question_survives_random_input(
    engine: Engine, states: list[SessionState], step_id: str, data: st.DataObject
) -> None:
    start = next(s for s in states if s.step == step_id)
    run_sequence(engine, start, data, 6)


@pytest.mark.parametrize("start_index", range(0, 80, 7))
def test_huge_and_junk_texts_at_every_kind_of_step(engine: Engine, states: list[SessionState], start_index: int) -> None:
    state = states[start_index % len(states)]
    for text in ["x" * 200_000, "１３８ " * 30_000, "\x00\x01\x02" * 10_000, "\ufffd" * 5000, "昨天" * 50_000, "😀" * 20_000]:
        event = TextInput(text)
        check(engine, event, engine.advance(state, event, NOW))


@pytest.mark.parametrize("text", ["፩", "\U00010a40", "1" * 5000])
@pytest.mark.parametrize("step_id", ["jurisdiction", "harm", "frequency", "summary"])
def test_digit_like_text_at_a_button_step_is_answered(
    engine: Engine, states: list[SessionState], step_id: str, text: str
) -> None:
    state = next(s for s in states if s.step == step_id)
    check(engine, TextInput(text), engine.advance(state, TextInput(text), NOW))
