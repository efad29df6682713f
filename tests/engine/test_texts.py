"""The bilingual text tables: one YAML file per layer, read by one loader that refuses a broken entry."""
from __future__ import annotations

import string
from pathlib import Path

import pytest

from engine.i18n import LANGS, load_texts, t

ROOT = Path(__file__).resolve().parents[2]
# Every table the code ships: one texts.yaml beside each module that says its texts.
TABLES = sorted(
    path for layer in ("app", "engine", "handlers", "knowledge", "services", "storage") for path in (ROOT / layer).rglob("texts.yaml")
)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_tables_are_found() -> None:
    assert {str(path.relative_to(ROOT)) for path in TABLES} >= {
        "engine/texts.yaml", "engine/reading/texts.yaml", "services/texts.yaml", "services/followup/texts.yaml",
        "handlers/telegram/texts.yaml", "handlers/wechat/texts.yaml",
    }


@pytest.mark.parametrize("path", TABLES, ids=[str(path.relative_to(ROOT).parent) for path in TABLES])
def test_every_text_is_in_both_languages_and_fills_in_the_same_values(path: Path) -> None:
    table = load_texts(path)
    assert table
    assert [key for key, entry in table.items() if not all(entry.get(lang) for lang in LANGS)] == []
    assert [key for key, entry in table.items() if fields(entry["zh"]) != fields(entry["en"])] == []


def test_words_yaml_would_read_as_booleans_stay_texts() -> None:
    assert (t("nav.yes", "en"), t("nav.no", "en")) == ("Yes", "No")


@pytest.mark.parametrize(
    "body",
    ["greeting:\n  zh: 你好\n", "greeting:\n  zh: 你好\n  en: true\n", "greeting:\n  zh: 你好\n  en: Hi\n  fr: Salut\n", "- zh\n"],
    ids=["missing en", "not a string", "a third language", "not a mapping"],
)
def test_a_broken_table_stops_the_import_naming_the_file(tmp_path: Path, body: str) -> None:
    path = tmp_path / "texts.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match="texts.yaml"):
        load_texts(path)
