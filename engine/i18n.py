"""The engine's own texts (buttons, errors, help) in Simplified Chinese and English, and the one way
every layer holds and looks up its bilingual texts.

Texts about the complaint itself live in flows.yaml; the ones every flow shares are in
engine/texts.yaml. Each layer keeps its texts in a `texts.yaml` beside the module that says them
(`key: {zh: ..., en: ...}`), read once at import like the code itself, so looking a text up stays a
dict lookup and the engine's functions stay pure.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

LANGS = ("zh", "en")


def load_texts(path: Path) -> dict[str, dict[str, str]]:
    """A table of bilingual texts from a shipped YAML file; a text missing a language, or not a
    string, stops the import with the file and key named rather than failing later in a reply."""
    with path.open(encoding="utf-8") as f:
        table = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(table, dict):
        raise ValueError(f"{path}: expected a mapping of text keys")
    for key, entry in table.items():
        if not (isinstance(entry, dict) and set(entry) == set(LANGS) and all(isinstance(v, str) for v in entry.values())):
            raise ValueError(f"{path}: text {key!r} needs exactly a zh and an en string")
    return table


def package_texts(package: str) -> dict[str, dict[str, str]]:
    """The `texts.yaml` of an engine package, found through the package rather than `__file__`:
    compiled, a module's file is in the build folder (engine/compiled.py), not beside its texts."""
    return load_texts(Path(str(files(package) / "texts.yaml")))


TEXTS = package_texts("engine")


# What people type instead of tapping a button that is the same at every step (matched like options).
BUTTON_WORDS: dict[str, tuple[str, ...]] = {
    "_back": ("上一步", "返回", "后退", "back", "go back", "previous"),
    "_skip": ("跳过", "不知道", "略过", "skip", "pass", "dont know"),
    "_skip_rest": ("都跳过", "全部跳过", "一起跳过", "skip all", "skip these", "skip them all"),
    "_multi": ("选多项", "多选", "pick several", "several", "more than one"),
    "_keep": ("保留", "不变", "不用改", "keep", "keep it"),
    "_same": ("同上", "一样", "就这个", "same", "same as above", "the same"),
    "_done": ("完成", "好了", "没有了", "结束", "发完了", "done", "finish", "finished", "thats all"),
    "_ok": ("对", "没错", "正确", "都对", "全部正确", "没问题", "继续", "ok", "okay", "correct", "all correct", "looks good"),
    "_edit_list": ("修改", "改", "改一下", "要改", "有错", "edit", "change", "fix"),
    "_yes": ("是", "对", "是的", "没错", "确认", "属实", "好", "好的", "y", "yes", "yeah", "yep", "true", "confirm"),
    "_no": ("否", "不", "不是", "不对", "需要修改", "修改", "n", "no", "nope", "not true", "change"),
    "_help": ("帮助", "help"),
    "_summary": ("核对", "返回核对", "摘要", "summary", "back to summary"),
}


def button_words(value: str) -> tuple[str, ...]:
    """Typed words that mean the button `value` wherever it is shown."""
    return BUTTON_WORDS.get(value, ())


def t(key: str, lang: str, **values: Any) -> str:
    """The text for `key` in `lang` (falling back to English), with `values` filled in. `render` on the
    engine's table, written out: a few of these run in every event (issue 15)."""
    entry = TEXTS[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text


def render(table: dict[str, dict[str, str]], key: str, lang: str, **values: Any) -> str:
    """Look `key` up in a table of bilingual texts; shared by the engine and the services."""
    entry = table[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
