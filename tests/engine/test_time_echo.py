"""The time of a call is read in the called person's zone and said back at its step (issue 10)."""
from __future__ import annotations

from engine.events import TextInput
from engine.state import SessionState
from tests.engine.helpers import NOW, engine_from

FLOW = """
flow: {id: t, version: 1}
steps:
  - id: jurisdiction
    type: choice
    label: {zh: 地区, en: Country}
    prompt: {zh: 哪里, en: Where}
    options:
      - {value: CN, label: {zh: 中国, en: China}}
      - {value: US, label: {zh: 美国, en: US}}
      - {value: UK, label: {zh: 英国, en: UK}}
  - id: called_number
    type: phone
    optional: true
    multiple: false
    region_from: jurisdiction
    label: {zh: 号码, en: Number}
    prompt: {zh: 你的号码, en: Your number}
  - id: last_contact_at
    type: datetime
    region_from: jurisdiction
    label: {zh: 时间, en: Time}
    prompt: {zh: 什么时候, en: When}
  - id: done
    type: end
    prompt: {zh: 好, en: Done}
"""


def answer_time(jurisdiction: str, called: str | None, when: str, lang: str = "en", zone: str | None = None):
    engine = engine_from(FLOW)
    state = SessionState(
        lang=lang, status="active", step="last_contact_at", case_id=1,
        answers={"jurisdiction": jurisdiction, "called_number": None}, timezone=zone,
    )
    if called is not None:
        state.step = "called_number"
        state = engine.advance(state, TextInput(called), NOW).state
    out = engine.advance(state, TextInput(when), NOW)
    return out.state.answers["last_contact_at"], "\n".join(r.text for r in out.replies)


def test_a_us_call_is_read_in_the_called_numbers_zone_and_said_back() -> None:
    stored, said = answer_time("US", "(415) 555-0199", "2026-11-25 20:45")
    assert stored == "2026-11-25T20:45:00-08:00"  # Pacific time, from the 415 area code
    assert "Noted: Wednesday 25 November 2026, 20:45" in said and "Read as" not in said


def test_without_a_known_zone_a_us_time_says_which_zone_it_was_read_in() -> None:
    stored, said = answer_time("US", None, "2026-11-25 20:45")
    assert stored.endswith("-05:00")
    assert "Read as Eastern time" in said and "/timezone" in said


def test_the_persons_timezone_wins_where_it_lies_in_the_country() -> None:
    stored, said = answer_time("US", "(212) 555-0100", "2026-11-25 20:45", zone="America/Denver")
    assert stored.endswith("-07:00") and "Read as" not in said
    stored, _ = answer_time("CN", None, "2026-11-25 20:45", lang="zh", zone="Europe/Berlin")
    assert stored.endswith("+08:00"), "a zone abroad says where the person is now, not where the call came in"


def test_a_day_is_said_back_as_a_day() -> None:
    stored, said = answer_time("CN", None, "11.20", lang="zh")
    assert stored == "2026-11-20"
    assert "记下了：2026年11月20日（周五），时间不详" in said
