"""Ask only what is needed (issue 13, item 5): merged questions split one answer into the facts the draft
needs, never more; a channel's extra needs are asked for that channel only; what is known is not asked."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from engine.conditions import holds
from engine.engine import Engine
from engine.loader import check_flow_text, load_flow
from engine.model import Condition
from knowledge.catalog import load_catalog
from services.drafting import DraftInput, render_draft
from tests.engine.helpers import FixedAdvisor, Talk, shipped_regions
from tests.robustness.walk import PLANS, walk_engine

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows.yaml")
CN_MOBILE = {"raw": "138 0013 8000", "number": "+8613800138000", "kind": "mobile", "region": "CN", "display": "138 0013 8000"}


class CatalogueAdvisor(FixedAdvisor):
    """Offers the real channel ids, so the flow's channel conditions can be exercised."""

    def __init__(self, *channels: str) -> None:
        self.channels = channels

    def options(self, answers: dict[str, Any], lang: str) -> list[Any]:
        from engine.engine import ChannelOption

        return [ChannelOption(c, c, "why") for c in self.channels]


def at(step_id: str, lang: str = "zh", advisor: Any = None, **answers: object) -> Talk:
    talk = Talk(Engine(FLOW, advisor or FixedAdvisor(), regions=shipped_regions()), lang)
    talk.cmd("new")
    talk.state.answers.update({"jurisdiction": "CN", "issue_type": "robocall", **answers})
    talk.state.step = step_id
    return talk


# --- one answer, several facts ------------------------------------------------------------------


def test_an_opt_out_with_its_date_is_two_facts_and_a_plain_yes_gives_no_date() -> None:
    dated = at("opted_out", last_contact_at="2026-11-20T14:30:00+08:00")
    out = dated.text("有，10月15日回复过TD")
    assert dated.state.answers["opted_out"] == "yes" and dated.state.answers["opted_out_at"] == "2026-10-15"
    assert any("记下了" in r.text for r in out.replies), "the date is said back at once"
    # Their own dates say they were contacted after asking to stop: that question is not asked.
    assert dated.state.step == "voice_kind"

    plain = at("opted_out", last_contact_at="2026-11-20T14:30:00+08:00")
    plain.text("有")
    assert plain.state.answers["opted_out"] == "yes" and "opted_out_at" not in plain.state.answers
    assert plain.state.step == "contact_after_opt_out", "no date given: asked, never assumed"


@pytest.mark.parametrize(
    ("typed", "value", "when"),
    [
        ("有，11月20日回复过退订", "yes", "2026-11-20"),
        ("有，11月20日 14:32回复过退订", "yes", "2026-11-20T14:32:00+08:00"),
        ("有，发短信退订了", "yes", None),
        ("没退订", "no", None),
        ("从没退订过", "no", None),
    ],
)
def test_an_opt_out_in_the_words_people_use_for_it(typed: str, value: str, when: str | None) -> None:
    talk = at("opted_out", last_contact_at="2026-11-25T14:30:00+08:00")
    talk.text(typed)
    assert talk.state.answers["opted_out"] == value
    assert talk.state.answers.get("opted_out_at") == when


def test_an_opt_out_after_the_latest_call_still_asks_whether_they_went_on() -> None:
    talk = at("opted_out", last_contact_at="2026-10-01")
    talk.text("有，2026年10月")
    # October (all of it) is not wholly before 1 October: the order is not proven, so it is asked.
    assert talk.state.answers["opted_out_at"] == "2026-10" and talk.state.step == "contact_after_opt_out"


def test_changing_the_answer_drops_the_date_it_no_longer_gives() -> None:
    talk = at("opted_out", last_contact_at="2026-11-20T14:30:00+08:00")
    talk.text("有，2026-10-15")
    talk.state.step = "opted_out"
    talk.text("没有")
    assert talk.state.answers["opted_out"] == "no" and "opted_out_at" not in talk.state.answers


def test_skipping_an_answered_question_drops_what_it_had_filled_but_a_first_skip_keeps_the_evidence() -> None:
    edited = at("content")
    edited.text("某某贷款公司：说我有一笔额度待领取")
    edited.state.step = "content"
    edited.cmd("skip")
    assert edited.state.answers["content"] is None and "company" not in edited.state.answers
    read = at("content", company="某某贷款")  # confirmed from an SMS signature
    read.cmd("skip")
    assert read.state.answers["company"] == "某某贷款"


def test_how_often_takes_since_when_but_not_for_something_that_happened_once() -> None:
    talk = at("frequency")
    talk.text("几乎每天，从9月开始")
    assert talk.state.answers["frequency"] == "daily" and talk.state.answers["since"] == "2026-09"
    once = at("frequency")
    once.text("只有一次，昨天")
    assert once.state.answers["frequency"] == "once" and "since" not in once.state.answers


def test_a_choice_naming_two_options_is_asked_again_not_guessed() -> None:
    talk = at("frequency")
    out = talk.text("每天，每周，从9月开始")
    assert "frequency" not in talk.state.answers and "since" not in talk.state.answers
    assert talk.state.step == "frequency" and "请点选" in out.replies[0].text


def test_the_numbers_and_the_latest_time_in_one_message_skip_the_time_question() -> None:
    talk = at("caller_numbers")
    talk.text("138 0013 8000，昨天下午3点")
    assert talk.state.answers["caller_numbers"][0]["number"] == "+8613800138000"
    assert talk.state.answers["last_contact_at"] == "2026-11-26T15:00:00+08:00"
    assert talk.state.step == "frequency"
    numbers_only = at("caller_numbers")
    numbers_only.text("138 0013 8000")
    assert numbers_only.state.step == "last_contact_at"


@pytest.mark.parametrize("typed", ["+1 415 555 0199, yesterday 3pm", "+1 415 555 0199, yesterday at 15:00"])
def test_an_english_day_word_keeps_the_clock_time_after_it(typed: str) -> None:
    """"yesterday 3pm" was read as "yesterday" alone: the hour the person gave was lost ("time not given")."""
    talk = at("caller_numbers", lang="en", jurisdiction="US")
    talk.text(typed)
    assert talk.state.answers["caller_numbers"][0]["number"] == "+14155550199"
    assert talk.state.answers["last_contact_at"] == "2026-11-25T15:00:00-05:00"  # yesterday in New York
    assert talk.state.step == "frequency"


def test_the_harm_and_the_persons_words_in_one_message() -> None:
    talk = at("harm")
    talk.text("1, 3 半夜打来吵醒孩子")
    assert talk.state.answers["harm"] == ["time", "sleep"] and talk.state.answers["harm_detail"] == "半夜打来吵醒孩子"
    words = at("harm")
    words.text("浪费时间和影响睡眠，半夜打来")
    assert words.state.answers["harm"] == ["time", "sleep"] and words.state.answers["harm_detail"] == "半夜打来"
    plain = at("harm")
    plain.text("浪费时间")
    assert plain.state.answers["harm"] == ["time"] and "harm_detail" not in plain.state.answers
    stray = at("harm")
    stray.text("9")
    assert "harm" not in stray.state.answers and stray.state.step == "harm"


def test_the_company_is_kept_only_when_the_person_named_one() -> None:
    named = at("content")
    named.text("某某贷款公司：说我有一笔额度待领取")
    assert named.state.answers["company"] == "某某贷款公司"
    assert named.state.answers["content"] == "某某贷款公司：说我有一笔额度待领取"
    unnamed = at("content")
    unnamed.text("您好，您有一笔额度待领取")
    assert "company" not in unnamed.state.answers


def test_the_contact_line_is_split_into_what_it_holds() -> None:
    talk = at("contact", channel="cn_12321")
    talk.text("张三 139 1234 5678")
    answers = talk.state.answers
    assert answers["contact_name"] == "张三" and answers["contact_phone"] == "139 1234 5678"
    assert "contact_email" not in answers


def test_fraud_money_the_sum_and_the_way_of_paying_with_its_time() -> None:
    talk = at("money_lost", issue_type="fraud")
    talk.text("有，5000元")
    assert talk.state.answers["money_lost"] == "yes" and talk.state.answers["amount_lost"] == 5000
    assert talk.state.step == "transfer_method", "the sum was given: not asked again"
    talk.text("银行转账，11月20日下午3点")
    assert talk.state.answers["transfer_method"] == "bank"
    assert talk.state.answers["transfer_at"] == "2026-11-20T15:00:00+08:00" and talk.state.step == "transfer_to"


def test_the_way_of_paying_with_its_time_and_the_receiving_account_in_one_message() -> None:
    talk = at("transfer_method", issue_type="fraud", money_lost="yes")
    talk.text("银行转账，11月20日下午3点，工商银行 6222 0000 张三")
    answers = talk.state.answers
    assert answers["transfer_method"] == "bank" and answers["transfer_at"] == "2026-11-20T15:00:00+08:00"
    # The account names a bank again: it is the person's words, not a second naming of the option.
    assert answers["transfer_to"] == "工商银行 6222 0000 张三"
    assert talk.state.step == "codes_shared", "the account was given: not asked again"


def test_what_they_did_and_what_happened_in_their_words_in_one_message() -> None:
    talk = at("fraud_actions", issue_type="fraud")
    talk.text("1, 2 对方说快递丢了要理赔，让我下载会议App")
    assert talk.state.answers["fraud_actions"] == ["bank", "police"]
    assert talk.state.answers["fraud_story"] == "对方说快递丢了要理赔，让我下载会议App"
    assert talk.state.step == "caller_numbers" and "fraud_story" in talk.state.known, "the story is not asked again"
    tapped = at("fraud_actions", issue_type="fraud")
    tapped.text("1")
    assert "fraud_story" not in tapped.state.answers


def test_an_app_named_after_yes_is_kept_as_the_persons_words() -> None:
    talk = at("codes_shared", issue_type="fraud")
    talk.text("有，装了会议App")
    assert talk.state.answers["codes_shared"] == "yes" and talk.state.answers["codes_given"] == "装了会议App"


# --- a channel's needs, for that channel only ----------------------------------------------------


def to_channel(channel: str) -> Talk:
    talk = at("evidence", advisor=CatalogueAdvisor(channel), caller_numbers=[CN_MOBILE],
              last_contact_at="2026-11-20T14:30:00+08:00", frequency="daily", relationship="never", opted_out="no",
              voice_kind="robot", content=None, harm=["time"])
    talk.tap("_done")
    assert talk.state.step == "channel"
    talk.tap(channel)
    return talk


def test_the_operator_and_the_called_number_are_asked_only_for_the_operator() -> None:
    operator = to_channel("cn_operator")
    assert operator.state.step == "own_operator"
    operator.text("移动")
    assert operator.state.step == "called_number_for_channel"
    operator.cmd("skip")
    assert operator.state.step == "summary", "the operator's hotline needs no contact details"

    report = to_channel("cn_12321")
    assert report.state.step == "call_minutes", "12321 asks the call length, not the operator"
    report.cmd("skip")
    assert report.state.step == "contact", "12321 needs the person's phone"
    report.cmd("skip")
    assert report.state.step == "summary"
    assert "own_operator" not in report.state.answers and "called_number" not in report.state.answers


def test_a_spam_text_is_never_asked_about_voices_nor_fraud_about_consent() -> None:
    texts = {s.step for s in walk_engine(Engine(FLOW, FixedAdvisor(), regions=shipped_regions()), PLANS["uk_sms"])}
    assert "voice_kind" not in texts and "call_minutes" not in texts
    fraud = {s.step for s in walk_engine(Engine(FLOW, FixedAdvisor(), regions=shipped_regions()), PLANS["us_fraud"])}
    assert not fraud & {"relationship", "opted_out", "frequency", "voice_kind", "content", "harm"}


# --- the draft states only what was given ------------------------------------------------------------


def test_a_draft_never_states_an_opt_out_date_the_person_did_not_give() -> None:
    catalog = load_catalog(ROOT / "channels.yaml")
    base = {"jurisdiction": "CN", "issue_type": "robocall", "caller_numbers": [CN_MOBILE], "relationship": "never",
            "last_contact_at": "2026-11-20T14:30:00+08:00", "frequency": "daily", "truth_confirmed": "yes"}
    created = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
    said = {}
    for typed in ("有", "有，2026-10-15"):
        talk = at("opted_out", **base)
        talk.text(typed)
        answers = {k: v for k, v in talk.state.answers.items() if k != "evidence"}
        draft = render_draft(catalog, DraftInput(1, answers, [], created), "cn_12321", "zh", "written").text
        said[typed] = next(line for line in draft.splitlines() if "明确要求对方停止" in line)
    assert said["有"] == "- 我已明确要求对方停止联系。", "no date, and no claim that they went on"
    assert said["有，2026-10-15"] == "- 我已于2026年10月15日明确要求对方停止联系。此后对方仍继续联系我。"


# --- the condition and the checker -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mine", "theirs", "before"),
    [
        ("2026-10-15", "2026-11-20T14:30:00+08:00", True),
        ("2026-11", "2026-11-20T14:30:00+08:00", False),
        ("2026-10", "2026-11-01", True),
        ("2025", "2026-01-01", True),
        ("2026-11-20T15:00:00+08:00", "2026-11-20T14:30:00+08:00", False),
        (None, "2026-11-20", False),
        ("2026-10-15", None, False),
    ],
)
def test_before_holds_only_when_every_moment_the_answer_can_mean_comes_first(mine: Any, theirs: Any, before: bool) -> None:
    cond = Condition.model_validate({"answer": "a", "before": "b"})
    assert holds(cond, {"a": mine, "b": theirs}) is before


FLOW_HEAD = """
flow: {id: t}
steps:
  - id: ask
    type: choice
    label: {zh: 问, en: Ask}
    prompt: {zh: 问, en: Ask}
    options:
      - {value: "yes", label: {zh: 有, en: "Yes"}}
      - {value: "no", label: {zh: 没有, en: "No"}}
"""
WHEN_STEP = """
  - id: when
    type: datetime
    label: {zh: 时间, en: When}
    prompt: {zh: 时间, en: When}
"""
END = """
  - id: done
    type: end
    prompt: {zh: 完, en: Done}
"""


@pytest.mark.parametrize(
    ("fills", "after", "problem"),
    [
        ("[{id: ask, kind: time, label: {zh: 时, en: T}}]", WHEN_STEP, "is not asked after"),
        ("[{id: when, kind: amount, label: {zh: 时, en: T}}]", WHEN_STEP, "cannot answer the 'datetime' step"),
        ("[{id: words, kind: email, label: {zh: 邮, en: E}}]", "", "cannot fill a 'email'"),
        ("[{id: other, kind: same, label: {zh: 同, en: S}}]", "", "must name a later choice step"),
    ],
)
def test_the_checker_refuses_a_fill_that_cannot_hold(fills: str, after: str, problem: str) -> None:
    text = FLOW_HEAD + f"    fills: {fills}\n" + after + END
    _, problems = check_flow_text(text, "t.yaml")
    assert any(problem in str(p) for p in problems), [str(p) for p in problems]


def test_a_condition_may_test_a_fill_and_a_fill_may_answer_a_later_question() -> None:
    text = FLOW_HEAD + "    fills: [{id: when, kind: time, label: {zh: 时, en: T}}, {id: words, kind: detail, label: {zh: 话, en: W}}]\n"
    text += WHEN_STEP + "    coarsest: year\n    when: {answer: words, is_set: false}\n" + END
    _, problems = check_flow_text(text, "t.yaml")
    assert not problems, [str(p) for p in problems]
