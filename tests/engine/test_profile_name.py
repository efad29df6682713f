"""The name from the platform's profile (Telegram first and last name) is offered as one tap where a name
is asked, with the number already given; only when the platform gave one, and never saved in the session."""
from __future__ import annotations

from engine.replies import SaveAnswer
from engine.state import SessionState
from tests.engine.helpers import Talk, engine_from

FLOW = """
flow: {id: t, version: 1}
steps:
  - id: called_number
    type: phone
    label: {zh: 号码, en: Number}
    prompt: {zh: 你的号码, en: Your number}
  - id: contact
    type: text
    label: {zh: 联系方式, en: Contact}
    optional: true
    suggest_from: [called_number]
    max_length: 200
    prompt: {zh: 你的联系方式, en: Your contact details}
    fills:
      - {id: contact_name, kind: name, label: {zh: 姓名, en: Name}}
      - {id: contact_phone, kind: phone, label: {zh: 电话, en: Phone}}
  - id: done
    type: end
    prompt: {zh: 好, en: Done}
"""


def at_contact(name: str | None) -> Talk:
    person = Talk(engine_from(FLOW), "en")
    person.cmd("new")
    # As the conversation service sets it on every event.
    person.state.profile_name = name
    person.text("+44 7911 123456")
    assert person.state.step == "contact"
    return person


def test_the_profile_name_is_offered_with_the_number_and_one_tap_keeps_both() -> None:
    person = at_contact("Jane Doe")
    buttons = {b.value: b.label for b in person.question.buttons}
    assert buttons["_profile"] == "👤 Jane Doe +44 7911 123456"
    person.tap("_profile")
    assert person.state.answers["contact_name"] == "Jane Doe"
    assert person.state.answers["contact_phone"] == "+44 7911 123456"


def test_no_name_from_the_platform_no_button_and_nothing_written() -> None:
    person = at_contact(None)
    assert "_profile" not in [b.value for b in person.question.buttons]
    out = person.tap("_profile")
    assert out.replies[0].kind == "error"
    assert not [e for e in person.effects if isinstance(e, SaveAnswer) and e.step_id == "contact_name"]


def test_a_profile_name_that_does_not_read_as_a_name_is_not_offered() -> None:
    person = at_contact("🦄🦄🦄")
    assert "_profile" not in [b.value for b in person.question.buttons]


def test_the_profile_name_is_not_saved_with_the_session() -> None:
    state = SessionState(profile_name="Jane Doe")
    assert "profile_name" not in state.to_dict()
    assert SessionState.from_dict(state.to_dict()).profile_name is None
