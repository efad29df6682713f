"""Checks parse_mode text the way Telegram does, so formatting bugs fail in tests, not in production.

Telegram rejects a whole message when its HTML or MarkdownV2 markup is malformed (an unescaped '.'
in MarkdownV2 is the classic). These parsers follow TDLib's rules closely enough to produce the same
"can't parse entities" errors, and return the plain text Telegram would show.
"""
from __future__ import annotations

import html

_HTML_TAGS = {
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji",
    "span", "pre", "code", "blockquote",
}
_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV2_END_NAMES = {
    "*": "Bold", "_": "Italic", "__": "Underline", "~": "Strikethrough", "||": "Spoiler",
    "`": "Code", "```": "Pre", "[": "TextUrl", "![": "CustomEmoji",
}


class EntityParseError(ValueError):
    """Malformed markup; str() is the description after "Bad Request: can't parse entities: "."""


def plain_text(text: str, parse_mode: str | None) -> str:
    """Validate `text` for `parse_mode` and return the text without markup."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    if mode:
        raise EntityParseError(f"Unsupported parse_mode {parse_mode}")
    return text


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _parse_html(text: str) -> str:
    out: list[str] = []
    stack: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] != "<":
            j = text.find("<", i)
            j = n if j < 0 else j
            out.append(html.unescape(text[i:j]))
            i = j
            continue
        begin = i
        if i + 1 < n and text[i + 1] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {_byte_offset(text, begin)}")
            j = i + 2
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            name = text[i + 2 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {_byte_offset(text, begin)}")
            expected = stack.pop()
            if name and name != expected:
                raise EntityParseError(
                    f"Unmatched end tag at byte offset {_byte_offset(text, begin)}, "
                    f'expected "</{expected}>", found "</{name}>"'
                )
            i = j + 1
            continue
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        name = text[i + 1 : j].lower()
        if name not in _HTML_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, begin)}'
            )
        close = text.find(">", j)
        if close < 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {_byte_offset(text, begin)}")
        attributes = text[j:close]
        if name == "span" and "tg-spoiler" not in attributes:
            raise EntityParseError('Tag "span" must have class "tg-spoiler"')
        stack.append(name)
        i = close + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _reserved(char: str) -> EntityParseError:
    return EntityParseError(f"Character '{char}' is reserved and must be escaped with the preceding '\\'")


def _parse_markdown_v2(text: str) -> str:  # noqa: C901 - mirrors TDLib's single-pass parser
    out: list[str] = []
    stack: list[tuple[str, int]] = []  # (entity marker, byte offset of its start)
    i, n = 0, len(text)

    def at(k: int) -> str:
        return text[k] if k < n else ""

    while i < n:
        c = text[i]
        if c == "\\" and at(i + 1) and ord(at(i + 1)) <= 126:
            out.append(text[i + 1])
            i += 2
            continue
        top = stack[-1][0] if stack else None
        reserved = "`" if top in ("`", "```") else _MDV2_RESERVED
        if c not in reserved:
            out.append(c)
            i += 1
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n") and top is None:
            i += 1  # blockquote line marker
            continue
        ends = {
            "*": c == "*",
            "_": c == "_" and at(i + 1) != "_",
            "__": c == "_" and at(i + 1) == "_",
            "~": c == "~",
            "||": c == "|" and at(i + 1) == "|",
            "`": c == "`",
            "```": text.startswith("```", i),
            "[": c == "]",
            "![": c == "]",
        }
        if top is not None and ends[top]:
            stack.pop()
            if top in ("__", "||"):
                i += 2
            elif top == "```":
                i += 3
            elif top in ("[", "!["):
                i = _skip_url(text, i, required=top == "![")
            else:
                i += 1
            continue
        offset = _byte_offset(text, i)
        if c == "_":
            marker = "__" if at(i + 1) == "_" else "_"
        elif c in "*~[":
            marker = c
        elif c == "|" and at(i + 1) == "|":
            marker = "||"
        elif c == "!" and at(i + 1) == "[":
            marker = "!["
        elif c == "`":
            marker = "```" if text.startswith("```", i) else "`"
        else:
            raise _reserved(c)
        stack.append((marker, offset))
        i += len(marker)
        if marker == "```":
            while i < n and not text[i].isspace() and text[i] != "`":
                i += 1  # language name
            if at(i) in ("\n", "\r"):
                i += 1
    if stack:
        marker, offset = stack[-1]
        raise EntityParseError(f"Can't find end of {_MDV2_END_NAMES[marker]} entity at byte offset {offset}")
    return "".join(out)


def _skip_url(text: str, i: int, *, required: bool) -> int:
    """Skip `](url)` after link text; returns the index after it."""
    if not text.startswith("(", i + 1):
        if required:
            raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
        return i + 1
    j = i + 2
    while j < len(text) and text[j] != ")":
        j += 2 if text[j] == "\\" else 1
    if j >= len(text):
        raise EntityParseError(f"Can't find end of a URL at byte offset {_byte_offset(text, i + 1)}")
    return j + 1


def _parse_markdown(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            i += 1
            continue
        start = i
        closing = "]" if c == "[" else ("```" if text.startswith("```", i) else c)
        i += len(closing) if closing == "```" else 1
        end = text.find(closing, i)
        if end < 0:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {_byte_offset(text, start)}"
            )
        out.append(text[i:end])
        i = end + len(closing)
        if c == "[" and text.startswith("(", i):
            url_end = text.find(")", i)
            if url_end < 0:
                raise EntityParseError(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, start)}"
                )
            i = url_end + 1
    return "".join(out)
