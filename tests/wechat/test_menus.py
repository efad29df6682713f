"""Choices without inline keyboards: menu messages bound to their question, numbers, words, the custom menu."""
from __future__ import annotations

import pytest

from handlers.wechat.app import custom_menu
from tests.services.added_command import add_ping
from tests.wechat.helpers import Endpoint, Phone


async def test_a_tap_on_an_old_menu_is_refused_and_the_current_question_asked_again(wechat: Endpoint, phone: Phone) -> None:
    await phone.text("/new")
    await phone.expect("你在哪里")
    old = phone.last_menu()
    await phone.tap("中国大陆", "发生了什么")
    china = next(item for item in old if item["content"] == "中国大陆")
    await phone.text("美国", china["id"].replace("|CN", "|US"))  # the old question's menu, another option
    await phone.expect("已经")
    await phone.expect("发生了什么")
    assert wechat.rows("select step_id, value from answers") == [("jurisdiction", '"CN"')]


async def test_a_menu_id_this_bot_did_not_make_is_refused(wechat: Endpoint, phone: Phone) -> None:
    await phone.text("/new")
    await phone.expect("你在哪里")
    answer = await phone.text("中国大陆", "101")
    assert answer.passive is not None and "失效" in answer.passive
    await phone.expect("你在哪里")
    assert wechat.rows("select count(*) from answers") == [(0,)]


async def test_commands_work_with_or_without_the_slash_and_in_words(wechat: Endpoint, phone: Phone) -> None:
    for typed in ("/help", "help", "帮助"):
        answer = await phone.text(typed)
        assert answer.passive is not None and "/new" in answer.passive, typed
    for typed in ("/cases", "cases", "我的投诉"):
        await phone.text(typed)
        await phone.expect("还没有投诉")


async def test_the_custom_menu_is_created_at_start_up_and_its_clicks_are_commands(wechat: Endpoint, phone: Phone) -> None:
    assert wechat.app is not None
    menu = custom_menu(wechat.app.service.commands)
    assert wechat.api.menus == [menu]
    assert [b["name"] for b in menu["button"]] == ["新投诉", "我的投诉", "帮助"]  # type: ignore[index]
    helped = await phone.event("CLICK", "HELP")
    assert helped.passive is not None and "/new" in helped.passive
    await phone.event("CLICK", "NEW")
    await phone.expect("你在哪里")


async def test_help_lists_every_registered_command(wechat: Endpoint, phone: Phone) -> None:
    assert wechat.app is not None
    answer = await phone.text("帮助")
    assert answer.passive is not None
    for spec in wechat.app.service.commands.specs.values():
        assert f"{spec.usage('zh')} {spec.description('zh')}" in answer.passive, spec.name


async def test_a_command_added_to_the_registry_is_in_the_menu_and_help_and_understood_without_its_slash(
    endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_ping(monkeypatch)
    await endpoint.start()
    phone = Phone(endpoint)
    assert [b["name"] for b in endpoint.api.menus[-1]["button"]] == ["新投诉", "我的投诉", "帮助", "测一测"]
    helped = await phone.text("/help")
    assert helped.passive is not None and "/ping 测试机器人是否在线" in helped.passive
    for typed in ("/ping", "ping", "测一测"):
        answer = await phone.text(typed)
        assert answer.passive == "pong 乒", typed
    clicked = await phone.event("CLICK", "PING")
    assert clicked.passive == "pong 乒"
