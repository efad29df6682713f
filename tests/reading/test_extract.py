"""Facts from pasted texts and from the lines of a screenshot (boxes given, no OCR here)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.reading import TextLine, extract_from_lines, extract_from_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 15, 0, tzinfo=SHANGHAI)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def line(text: str, y: float, x: float = 40, width: float = 400) -> TextLine:
    return TextLine(text, x, y, x + width, y + 40)


def test_story_gives_number_time_robot_and_count() -> None:
    found = extract_from_text("刚才又接到 400-820-1234 的机器人推销电话，这周第三次了", NOW, "CN")
    assert [seen.display for seen in found.numbers] == ["400 820 1234"]
    assert [when.at for when in found.times] == [NOW]
    assert found.caller == "robot"
    assert found.times_reported == 3
    assert found.layout == "story"
    assert not found.opted_out


def test_story_reads_person_and_opt_out_reply() -> None:
    found = extract_from_text("昨天下午3点 138 0013 8000 又打来了，是真人，我已经回复了退订", NOW, "CN")
    assert [seen.number for seen in found.numbers] == ["+8613800138000"]
    assert [when.at for when in found.times] == [at(2026, 11, 30, 15, 0)]
    assert found.caller == "person"
    assert found.opted_out


def test_unsubscribe_line_inside_an_sms_is_not_an_opt_out() -> None:
    found = extract_from_text("【某某商城】双11大促全场5折，点击 t.cn/abc 抢购，回复TD退订", NOW, "CN")
    assert not found.opted_out
    assert found.layout == "sms"
    assert found.companies == ("某某商城",)
    assert found.links == ("t.cn/abc",)
    assert found.messages[0].signature == "某某商城"
    assert found.verdict.kind == "spam"


def test_service_number_and_sms_sender_id_are_accepted() -> None:
    found = extract_from_text("95555 和 10690000123456 都发过", NOW, "CN")
    assert {(seen.number, seen.kind) for seen in found.numbers} == {("95555", "service"), ("10690000123456", "sms_sender")}


def test_english_story() -> None:
    found = extract_from_text("Got a robocall from (415) 555-0100 yesterday at 2 pm, 3rd time this week. I replied STOP.", NOW, "US")
    assert [seen.number for seen in found.numbers] == ["+14155550100"]
    assert [when.at for when in found.times] == [at(2026, 11, 30), at(2026, 12, 1, 14, 0)]
    assert found.caller == "robot"
    assert found.times_reported == 3
    assert found.opted_out


def test_call_log_rows_with_section_header_tags_counts_and_durations() -> None:
    lines = [
        line("14:32", 10, x=30, width=80),  # status bar clock: not a call time
        line("通话记录", 80),
        line("今天", 150, width=60),
        line("400 820 1234 (2)", 200),
        line("14:05", 205, x=900, width=100),
        line("北京 营销推广 被35人标记", 250),
        line("138 0013 8000", 320),
        line("昨天", 325, x=900, width=60),
        line("上海 移动 响铃5秒", 370),
        line("400-820-1234", 440),
        line("11月28日", 445, x=900, width=100),
        line("呼入 1分23秒", 490),
    ]
    found = extract_from_lines(lines, NOW, "CN")
    assert found.layout == "call_log"
    first, second, third = found.calls
    assert (first.number, first.when and first.when.at, first.repeats, first.tag, first.marked_by) == (
        "+864008201234", at(2026, 12, 1, 14, 5), 2, "营销推广", 35)
    assert (second.when and second.when.at, second.missed) == (at(2026, 11, 30), True)
    assert (third.when and third.when.at, third.missed, third.duration_s) == (at(2026, 11, 28), False, 83)
    by_number = {seen.number: seen for seen in found.numbers}
    assert by_number["+864008201234"].calls == 3
    assert by_number["+864008201234"].first and by_number["+864008201234"].first.at == at(2026, 11, 28)
    assert by_number["+8613800138000"].missed == 1
    assert found.verdict.kind == "spam"


def test_sms_thread_screen_gives_sender_text_signature_link_and_time() -> None:
    lines = [
        line("15:02", 10, x=30, width=80),
        line("10690000123456", 90),
        line("11月28日 14:32", 200, x=380, width=300),
        line("【某某银行】尊敬的客户，您的积分即将清零，", 280),
        line("请点击 jf-duihuan.top/a 兑换礼品。", 325),
    ]
    found = extract_from_lines(lines, NOW, "CN")
    assert found.layout == "sms"
    [message] = found.messages
    assert message.sender == "10690000123456"
    assert message.signature == "某某银行"
    assert message.links == ("jf-duihuan.top/a",)
    assert message.when and message.when.at == at(2026, 11, 28, 14, 32)
    assert message.text.startswith("【某某银行】尊敬的客户")
    assert found.verdict.kind == "fraud"


def test_unrelated_picture_gives_empty_findings() -> None:
    found = extract_from_lines([line("生日快乐", 100), line("2026", 200)], NOW, "CN")
    assert found.empty
    assert extract_from_lines([], NOW, "CN").empty


@pytest.mark.parametrize(
    ("story", "caller"),
    [
        ("今天又是一个AI语音打来推销贷款", "robot"),
        ("A ROBOCALL again about my car warranty", "robot"),
        ("对方说话很自然，不是机器人，是真人", "person"),
        ("又打来了，没说是谁", None),
    ],
)
def test_caller_kind_from_the_story_in_any_letter_case(story: str, caller: str | None) -> None:
    assert extract_from_text(story, NOW, "CN").caller == caller
