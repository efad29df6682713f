"""The labelled set that bench/fraud.py measures: it loads, every source is documented, the split is fixed."""

import re
from pathlib import Path

from bench.fraud import DATA, held_out, load


FILES = ("fraud", "marketing", "fraud_fresh", "marketing_fresh", "fraud_fresh2", "marketing_fresh2", "fraud_fresh3", "marketing_fresh3", "fraud_fresh4", "marketing_fresh4", "fraud_fresh5", "marketing_fresh5", "fraud_fresh6", "marketing_fresh6",
         "fraud_en", "marketing_en", "fraud_en_heldout", "marketing_en_heldout", "fraud_en_fresh", "marketing_en_fresh",
         "fraud_en_fresh2", "marketing_en_fresh2", "fraud_en_fresh3", "marketing_en_fresh3",
         "fraud_en_fresh4", "marketing_en_fresh4", "fraud_cn", "marketing_cn", "fraud_cn_fresh", "marketing_cn_fresh")


def test_every_row_loads_with_a_source_and_a_text() -> None:
    for name in FILES:
        rows = load(name)
        assert rows, name
        for source, text in rows:
            assert re.fullmatch(r"[a-z0-9]+", source), source
            assert text.strip() == text and text and "\t" not in text


def test_every_source_is_listed_in_sources_md_with_its_repository() -> None:
    sources_md = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9]+)` \|", sources_md, re.MULTILINE))
    used = {source for name in FILES for source, _ in load(name)}
    assert used <= listed, used - listed
    assert "github.com/1361095044/Telecom_Fraud_Texts" in sources_md
    assert "github.com/QikaiXu/Spam-Message-Recognition" in sources_md


def test_no_message_is_both_fraud_and_marketing_or_listed_twice() -> None:
    texts = [text for name in FILES for _, text in load(name)]
    assert len(set(texts)) == len(texts)
    # The copied Chinese rows also differ in their first 30 characters (the copying's duplicate rule); the
    # written English texts may share an opening such as a sender's name ("Social Security Administration: …").
    openings = [{text[:30] for _, text in load(name) + load(name.replace("fraud", "marketing"))}
                for name in ("fraud", "fraud_fresh", "fraud_fresh2", "fraud_fresh3", "fraud_fresh4", "fraud_fresh5", "fraud_fresh6")]
    for i, some in enumerate(openings):
        for other in openings[i + 1:]:
            assert not some & other


def test_the_held_out_part_is_a_fixed_third_with_at_least_100_of_each_label() -> None:
    # The split is by the SHA-1 of the UTF-8 text (divisible by 3), the same on every machine.
    assert (held_out("a"), held_out("b"), held_out("abc")) == (False, True, False)
    for name in ("fraud", "marketing"):
        texts = [text for _, text in load(name)]
        share = sum(map(held_out, texts)) / len(texts)
        assert 0.25 < share < 0.4, (name, share)
        assert sum(map(held_out, texts)) >= 100, name


def test_the_data_files_are_plain_utf8_tsv() -> None:
    for path in Path(DATA).glob("sms_*.tsv"):
        raw = path.read_bytes()
        assert raw.decode("utf-8").endswith("\n"), path
        assert b"\r" not in raw, path
