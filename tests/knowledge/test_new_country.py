"""A country is data plus one planner: a made-up one (Ruritania, RT) added to copies of channels.yaml and
flows.yaml, with a planner registered here, takes a whole complaint with no other change to the code."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import ROOT, load_settings
from engine.events import Command
from knowledge.catalog import Catalog
from knowledge.facts import Facts, answer
from knowledge.planners import Plan, planner, planner_for
from services.conversation import Who
from tests.robustness.people import Person, evidence_file, open_db

JURISDICTION = """jurisdictions:
  - code: RT
    name: {zh: 鲁里塔尼亚, en: Ruritania}
    flag: 🏳️
    phone_region: NL
    holidays: NL
    aliases: [RURITANIA, 鲁国]
    date_order: DMY
    timezone: Europe/Amsterdam
    time_label: {zh: 鲁国时间, en: Ruritanian time}
    currency: {code: EUR, symbol: "€", name: {zh: 欧元, en: euros}}
    rules: []
"""
SOURCE = """sources:
  - {id: rt_gazette, url: "https://example.org/ruritania/gazette", checked: 2026-11-27, reliability: official}
"""
CHANNELS = """channels:
  - id: rt_telecom_office
    jurisdiction: RT
    kind: regulator
    name: {zh: 鲁国电信办公室, en: Ruritanian Telecom Office}
    summary: {zh: 受理骚扰电话。, en: Takes nuisance-call complaints.}
    handles: [robocall, spam_sms, other]
    how:
      - {type: email, value: complaints@telecom.rt.example, sources: [rt_gazette]}
    needs:
      - {zh: 来电号码和时间, en: The number and the time}
    draft_kinds: [written]
    tracks_complaints: false
    reasons:
      default: {zh: 鲁国的骚扰电话由电信办公室受理。, en: Nuisance calls in Ruritania go to the Telecom Office.}
      sales: {zh: 推销电话先找电信办公室。, en: Sales calls go to the Telecom Office first.}
    next: []
    sources: [rt_gazette]

"""
OPTION = """      - {value: RT, label: {zh: 鲁里塔尼亚, en: Ruritania}, synonyms: {zh: [鲁国], en: [ruritania]}}
"""


@planner("RT")
def plan_rt(catalog: Catalog, facts: Facts) -> Plan:
    return [("rt_telecom_office", "sales" if answer(facts, "issue_type") == "robocall" else "default")]


def with_ruritania(tmp_path: Path) -> tuple[Path, Path]:
    channels = (ROOT / "channels.yaml").read_text(encoding="utf-8")
    for heading, addition in (("jurisdictions:\n", JURISDICTION), ("sources:\n", SOURCE), ("channels:\n", CHANNELS)):
        assert channels.count(f"\n{heading}") == 1, heading
        channels = channels.replace(f"\n{heading}", "\n" + addition, 1)
    flows = (ROOT / "flows.yaml").read_text(encoding="utf-8")
    uk_option = flows.index("      - {value: UK,")
    flows = flows[:uk_option] + OPTION + flows[uk_option:]
    (tmp_path / "channels.yaml").write_text(channels, encoding="utf-8")
    (tmp_path / "flows.yaml").write_text(flows, encoding="utf-8")
    return tmp_path / "flows.yaml", tmp_path / "channels.yaml"


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    flows, channels = with_ruritania(tmp_path)
    env = {"DATA_DIR": str(tmp_path / "data"), "FLOWS_PATH": str(flows), "CHANNELS_PATH": str(channels)}
    built = await build_app(load_settings(env))
    yield built
    await built.close()


async def test_a_complaint_in_a_country_added_from_yaml_and_one_planner(app: App, tmp_path: Path) -> None:
    assert planner_for("RT") is plan_rt and "RT" in app.service.engine.regions
    person = Person(app, Who("console", "rita", "en"))
    plan = {
        "lang": "en", "jurisdiction": "RT", "issue_type": "robocall",
        "caller_numbers": "020 555 1234", "called_number": "06 12345678",
        "last_contact_at": "20/11/2026 14:30",
    }
    shot = evidence_file(tmp_path / "phone", "call-log.png", b"a ruritanian call log")
    case_id, said = await person.complain(plan, [shot])

    assert "Ruritanian Telecom Office" in said and "Sales calls go to the Telecom Office first." in said
    assert "Latest call: Friday 20 November 2026, 14:30 (Ruritanian time, UTC+01:00)" in said
    with open_db(app.settings.data_dir) as db:
        answers = dict(db.execute("SELECT step_id, value FROM answers WHERE case_id = ?", (case_id,)).fetchall())
        status = db.execute("SELECT status, jurisdiction FROM cases WHERE id = ?", (case_id,)).fetchone()
    assert tuple(status) == ("ready", "RT")
    # Numbers without a country code are Dutch-format Ruritanian ones; the date is day-first, in Amsterdam time.
    assert '"+31205551234"' in answers["caller_numbers"]
    # The called number is asked only for the channels that need it; the Telecom Office is not one.
    assert "called_number" not in answers
    assert answers["last_contact_at"] == '"2026-11-20T14:30:00+01:00"'

    rules = "\n".join(r.text for r in await person.send(Command("rules", "ruritania")))
    assert "Ruritania" in rules
