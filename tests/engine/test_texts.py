"""The bilingual text tables: one YAML file per layer, read by one loader that refuses a broken entry."""
from __future__ import annotations

import string
from pathlib import Path

import pytest

from engine.i18n import TEXTS, load_texts, t
from handlers.telegram.texts import TELEGRAM_TEXTS
from services.followup.texts import FOLLOWUP_TEXTS
from services.texts import SERVICE_TEXTS


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize(
    "table", [TEXTS, SERVICE_TEXTS, FOLLOWUP_TEXTS, TELEGRAM_TEXTS], ids=["engine", "services", "followup", "telegram"]
)
def test_every_text_fills_in_the_same_values_in_both_languages(table: dict[str, dict[str, str]]) -> None:
    assert table
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
