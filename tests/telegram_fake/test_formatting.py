"""The fake's parse_mode checks match Telegram's accept/reject decisions on typical texts."""
from __future__ import annotations

import pytest

from tests.fakebotapi.formatting import EntityParseError, plain_text


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("<b>投诉</b> &lt;号码&gt; &amp; more", "投诉 <号码> & more"),
        ('<a href="https://12321.cn">12321</a>', "12321"),
        ('<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>', "xy"),
        ("<pre><code class=\"language-python\">a < b</code></pre>".replace("a < b", "a &lt; b"), "a < b"),
        ("<b>x</>", "x"),
    ],
)
def test_html_accepted(text: str, plain: str) -> None:
    assert plain_text(text, "HTML") == plain


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
    ],
)
def test_html_rejected(text: str, message: str) -> None:
    with pytest.raises(EntityParseError) as info:
        plain_text(text, "HTML")
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("*粗体* _斜体_ __下划线__ ~删除~ ||剧透||", "粗体 斜体 下划线 删除 剧透"),
        ("电话 138\\-0013\\-8000\\.", "电话 138-0013-8000."),
        ("[12321](https://www.12321.cn/path\\))", "12321"),
        ("`a.b-c!` and ```python\nx = 1 + 2.0\n```", "a.b-c! and x = 1 + 2.0\n"),
        (">quoted line\n*bold*", "quoted line\nbold"),
        ("*bold _italic_ bold*", "bold italic bold"),
    ],
)
def test_markdown_v2_accepted(text: str, plain: str) -> None:
    assert plain_text(text, "MarkdownV2") == plain


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Done.", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("call 138-0013", "Character '-' is reserved and must be escaped with the preceding '\\'"),
        ("(optional)", "Character '(' is reserved and must be escaped with the preceding '\\'"),
        ("a > b", "Character '>' is reserved and must be escaped with the preceding '\\'"),
        ("*bold", "Can't find end of Bold entity at byte offset 0"),
        ("好 _x", "Can't find end of Italic entity at byte offset 4"),
        ("[link](http://x", "Can't find end of a URL at byte offset 6"),
    ],
)
def test_markdown_v2_rejected(text: str, message: str) -> None:
    with pytest.raises(EntityParseError) as info:
        plain_text(text, "MarkdownV2")
    assert str(info.value) == message


def test_legacy_markdown_and_plain() -> None:
    assert plain_text("*bold* and [link](http://x) 1.5-2!", "Markdown") == "bold and link 1.5-2!"
    with pytest.raises(EntityParseError, match="Can't find end of the entity starting at byte offset 4"):
        plain_text("abc *x", "Markdown")
    assert plain_text("<b>Done.</b>", None) == "<b>Done.</b>"
