"""Replies as Telegram messages: button data, keyboard layout, splitting, the answered question."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.events import ButtonPress, Command, TextInput
from engine.replies import Button
from handlers.kit.buttons import decode_button, encode_button
from handlers.kit.split import split_text, tg_len
from handlers.kit.text import command_or_text
from handlers.telegram.render import (
    MAX_TEXT,
    answered_text,
    keyboard,
)


def test_button_data_binds_the_value_to_the_question_and_decodes_back() -> None:
    assert encode_button("CN", 7) == "7|CN"
    assert encode_button("_delete:3", None) == "-|_delete:3"
    assert decode_button("7|CN") == ButtonPress("CN", 7)
    assert decode_button("-|_delete:3") == ButtonPress("_delete:3", None)
    assert decode_button("12|_edit:last_contact_at") == ButtonPress("_edit:last_contact_at", 12)


def test_data_that_this_bot_did_not_make_decodes_to_nothing() -> None:
    for forged in (None, "", "CN", "|CN", "7|", "x|CN", "-1|CN", "７|CN", "1" * 10 + "|CN", "9|" + "a" * 70):
        assert decode_button(forged) is None, forged


def test_values_that_would_not_fit_in_64_bytes_get_no_button() -> None:
    assert encode_button("v" * 62, 1) is not None and encode_button("v" * 63, 1) is None
    markup = keyboard((Button("ok", "v" * 70), Button("Yes", "yes")), 3)
    assert markup is not None
    assert [b["callback_data"] for row in markup["inline_keyboard"] for b in row] == ["3|yes"]


@given(st.text(min_size=1, max_size=40), st.one_of(st.none(), st.integers(min_value=0, max_value=10**8)))
def test_every_encoded_button_fits_and_round_trips(value: str, seq: int | None) -> None:
    data = encode_button(value, seq)
    if data is not None:
        assert len(data.encode("utf-8")) <= 64
        assert decode_button(data) == ButtonPress(value, seq)


def test_short_labels_go_two_to_a_row_long_ones_one_and_navigation_last() -> None:
    short = keyboard((Button("中国大陆", "CN"), Button("美国", "US"), Button("英国", "UK"), Button("« 上一步", "_back")), 1)
    assert short is not None
    assert [[b["text"] for b in row] for row in short["inline_keyboard"]] == [["中国大陆", "美国"], ["英国"], ["« 上一步"]]
    long = keyboard((Button("个人信息泄露（对方知道我的信息）", "data_leak"), Button("其他", "other")), 2)
    assert long is not None
    assert [len(row) for row in long["inline_keyboard"]] == [1, 1]
    assert keyboard((), 1) is None


def test_long_text_is_split_on_line_boundaries_and_nothing_is_lost() -> None:
    lines = [f"第 {i} 行：" + "投诉内容" * 30 for i in range(100)]
    text = "\n".join(lines)
    pieces = split_text(text, MAX_TEXT)
    assert len(pieces) > 1
    assert all(tg_len(p) <= MAX_TEXT for p in pieces)
    assert "\n".join(pieces) == text
    assert all(p.split("\n")[0].startswith("第 ") for p in pieces), "each piece starts at a line start"


def test_a_single_over_long_line_is_cut_without_breaking_emoji() -> None:
    text = "😀" * 3000  # 6000 UTF-16 units
    pieces = split_text(text, MAX_TEXT)
    assert [tg_len(p) for p in pieces] == [4096, 6000 - 4096]
    assert "".join(pieces) == text


def test_the_answered_question_keeps_its_text_and_shows_the_answer() -> None:
    assert answered_text("发生了什么？", "垃圾短信") == "发生了什么？\n\n→ 垃圾短信"
    long = answered_text("问" * 5000, "是")
    assert tg_len(long) <= MAX_TEXT and long.endswith("\n\n→ 是")


def test_commands_are_told_from_text() -> None:
    assert command_or_text("/start") == Command("start", "")
    assert command_or_text("/case@fake_test_bot 3") == Command("case", "3")
    assert command_or_text("/delete  12 ") == Command("delete", "12")
    assert command_or_text("138 0013 8000") == TextInput("138 0013 8000")
    assert command_or_text("//not a command") == TextInput("//not a command")
    assert command_or_text("/") == TextInput("/")
