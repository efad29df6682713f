"""What the engine keeps between events for speed (issue 15) never carries one person's answers into
another's conversation, nor one flow's definition into another flow's: the compiled route, the choice
buttons and the phone readings are the same whoever asks, and a conversation interleaved with another
goes exactly as it goes alone."""
from __future__ import annotations

from typing import Any

from engine.engine import ChannelOption, Turn
from engine.events import ButtonPress, Command, Event, TextInput
from engine.replies import Outcome

from tests.engine.helpers import NOW, FixedAdvisor, Talk, engine_from
from tests.engine.sample_flow import SAMPLE

FRAUD: list[Event] = [Command("new"), ButtonPress("US"), ButtonPress("fraud"), ButtonPress("yes"), TextInput("(202) 555-0143")]
ROBOCALL: list[Event] = [Command("new"), ButtonPress("CN"), ButtonPress("robocall"), TextInput("138 0013 8000"), TextInput("Acme Ltd")]


def replies(outs: list[Outcome]) -> list[list[tuple[str, tuple[str, ...]]]]:
    return [[(r.text, tuple(b.value for b in r.buttons)) for r in out.replies] for out in outs]


def test_two_people_interleaved_get_what_each_gets_alone() -> None:
    engine = engine_from(SAMPLE)
    alone = {}
    for name, events in (("fraud", FRAUD), ("robocall", ROBOCALL)):
        talk = Talk(engine_from(SAMPLE))
        alone[name] = (replies([talk.send(e) for e in events]), talk.state.answers)
    first, second = Talk(engine), Talk(engine)
    outs: dict[str, list[Outcome]] = {"fraud": [], "robocall": []}
    for fraud_event, robocall_event in zip(FRAUD, ROBOCALL):
        outs["fraud"].append(first.send(fraud_event))
        outs["robocall"].append(second.send(robocall_event))
    assert (replies(outs["fraud"]), first.state.answers) == alone["fraud"]
    assert (replies(outs["robocall"]), second.state.answers) == alone["robocall"]
    # The branch each took is their own: money asked of the fraud victim only, and the alert too.
    assert "money_lost" in first.state.answers and "money_lost" not in second.state.answers
    assert first.state.alerts_shown == ["urgent"] and second.state.alerts_shown == []
    assert second.state.answers["numbers"][0]["number"] == "+8613800138000"
    assert first.state.answers["numbers"][0]["number"] == "+12025550143"


def test_a_flow_with_the_same_step_ids_shows_its_own_options_and_branches() -> None:
    """Two flows alive at once (a reload of flows.yaml), same ids, different labels and branches."""
    changed = SAMPLE.replace("en: Robocall", "en: Nuisance call").replace(
        "when: {answer: issue_type, equals: fraud}", "when: {answer: issue_type, equals: robocall}"
    )
    old, new = Talk(engine_from(SAMPLE)), Talk(engine_from(changed))
    for talk in (old, new):
        talk.cmd("new")
        talk.tap("US")
    assert [b.label for b in old.question.buttons][:2] == ["Robocall", "Fraud"]
    assert [b.label for b in new.question.buttons][:2] == ["Nuisance call", "Fraud"]
    old.tap("robocall")
    new.tap("robocall")
    assert old.question.text.startswith("Which number?")
    assert new.question.text.startswith("Lost money?")


def test_the_same_choice_in_each_language() -> None:
    engine = engine_from(SAMPLE)
    zh, en = Talk(engine, lang="zh"), Talk(engine, lang="en")
    zh.cmd("new")
    en.cmd("new")
    assert [b.label for b in zh.question.buttons] == ["中国", "美国"]
    assert [b.label for b in en.question.buttons] == ["USA", "China"]


class CountingAdvisor(FixedAdvisor):
    """The test advisor, counting how often the engine asks it for the channels."""

    def __init__(self) -> None:
        self.asked = 0

    def options(self, answers: dict[str, Any], lang: str) -> list[ChannelOption]:
        self.asked += 1
        return super().options(answers, lang)


def at_channel(advisor: FixedAdvisor) -> Talk:
    talk = Talk(engine_from(SAMPLE, advisor))
    for event in ROBOCALL[:4]:
        talk.send(event)
    talk.cmd("skip")
    talk.text("2026-11-20 14:30")
    talk.text("3")
    talk.text("1")
    talk.tap("_done")
    assert talk.state.step == "channel"
    return talk


def test_a_typed_channel_asks_the_advisor_once_for_the_question_and_the_answer() -> None:
    advisor = CountingAdvisor()
    talk = at_channel(advisor)
    advisor.asked = 0
    talk.text("2")
    assert talk.state.answers["channel"] == "police" and talk.state.step == "summary"
    assert advisor.asked == 1


def test_the_channels_kept_in_an_event_follow_its_answers_and_language() -> None:
    """Answers changed within the event (an earlier answer edited, a proposal accepted) give the channels
    for the new answers, never the ones worked out before."""
    talk = at_channel(FixedAdvisor())
    turn = Turn(talk.engine, Outcome(state=talk.state.copy()), NOW)
    assert [o.value for o in turn.channel_options()][0] == "operator"
    turn.s.answers["issue_type"] = "fraud"
    assert [o.value for o in turn.channel_options()][0] == "police"
    turn.s.answers = {**turn.s.answers, "issue_type": "robocall"}
    assert [o.value for o in turn.channel_options()][0] == "operator"
    before = turn.channel_options()
    assert turn.channel_options() is before
    turn.s.lang = "zh"
    kept = turn.channel_options()
    assert kept is not before and turn.channel_options() is kept
    del turn.s.answers["issue_type"]
    assert turn.channel_options() is not kept
