"""What to ask after a complaint is filed, and when: check-ins on the channel's deadlines, or one note.

Channels that track complaints (an operator, 12300, 12315, 12321, a UK firm) get a check-in at each
of their `answer` deadlines counted from filing (channels.yaml `deadlines`, in days or working
days). Channels that do not answer individually (FTC, FCC, ICO, TPS…) get a single note some days
later: keep the confirmation, report repeats, and where to go next.
Deadlines counted from acceptance or from the call itself are not check-ins: we never learn when a
complaint was accepted, and a filing deadline is past by the time a complaint is filed.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Mapping

from engine.replies import Button, Reply
from knowledge.catalog import Catalog, Channel, Deadline
from knowledge.recommend import escalation_next
from services.followup.texts import fmt_date, fmt_when, ft
from services.followup.due import Due, TimeScale, after_days, plan_due
from services.workdays import calendar_for
from storage.protocols import CaseRow, ReminderRow

log = logging.getLogger(__name__)

NOTE_AFTER = timedelta(days=14)
SNOOZE_DAYS = (1, 3, 7)


@dataclass(frozen=True)
class Planned:
    """A reminder to schedule: its kind, when, and the data its buttons and text need."""

    kind: str
    due: Due
    data: dict[str, Any]
    what: str | None = None


def channel_label(catalog: Catalog, channel_id: str | None, answers: Mapping[str, Any], lang: str) -> str:
    """The channel's name, narrowed to the person's own operator when known (中国移动 rather than all four)."""
    if not channel_id or not catalog.has_channel(channel_id):
        return channel_id or "—"
    channel = catalog.channel(channel_id)
    operator = answers.get("own_operator")
    if isinstance(operator, str) and operator in channel.operators:
        return channel.operators[operator].name.get(lang)  # type: ignore[index]
    return channel.name.get(lang)


def checkin_deadlines(channel: Channel) -> list[Deadline]:
    """The deadlines of a tracking channel that deserve a check-in."""
    if not channel.tracks_complaints:
        return []
    return [d for d in channel.deadlines if d.kind == "answer" and d.starts == "filed"]


def plan_followups(catalog: Catalog, channel_id: str, now: datetime, person_tz: tzinfo, scale: TimeScale) -> list[Planned]:
    """The reminders to schedule when a complaint is filed with `channel_id` at `now`."""
    channel = catalog.channel(channel_id)
    jurisdiction = catalog.jurisdiction(channel.jurisdiction)
    planned = []
    for deadline in checkin_deadlines(channel):
        moment, basis, years = after_days(
            now,
            deadline.days,
            working_days=deadline.working_days,
            calendar=calendar_for(jurisdiction.holidays),
            office_tz=jurisdiction.tz,
        )
        if basis != "official":
            log.info("%s: working days for %s counted on a %s calendar", deadline.id, list(years), basis)
        due = plan_due(now, moment, person_tz, scale, basis, years)
        data = {
            "channel": channel_id,
            "deadline": deadline.id,
            "deadline_at": moment.isoformat(),
            "basis": basis,
            "years": list(years),
        }
        planned.append(Planned("checkin", due, data))
    if planned:
        return sorted(planned, key=lambda p: p.due.sched_at)
    return [Planned("note", plan_due(now, now + NOTE_AFTER, person_tz, scale), {"channel": channel_id})]


def deadline_of(catalog: Catalog, data: Mapping[str, Any]) -> Deadline | None:
    """The catalogue deadline a check-in was scheduled for (None if the catalogue no longer has it)."""
    deadline_id = data.get("deadline")
    if not deadline_id:
        return None
    try:
        return catalog.find_deadline(str(deadline_id))[1]
    except KeyError:
        return None


def deadline_what(catalog: Catalog, deadline: Deadline, lang: str) -> str:
    """The deadline in words, marked when the catalogue says it is not confirmed."""
    text = deadline.what.get(lang)
    if deadline.unverified:
        text += f" {catalog.texts.to_be_confirmed.get(lang)}"
    return text


def basis_note(data: Mapping[str, Any], lang: str) -> str | None:
    """Say so when working days were estimated or counted Monday–Friday."""
    basis = data.get("basis")
    if basis not in ("estimated", "weekdays"):
        return None
    code_years = [int(y) for y in data.get("years") or []]
    years = "、".join(map(str, code_years)) if lang == "zh" else ", ".join(map(str, code_years))
    return ft(f"checkin.basis.{basis}", lang, years=years or "?")


def filed_line(catalog: Catalog, case: CaseRow, answers: Mapping[str, Any], tz: tzinfo, lang: str, key: str) -> str:
    """"You filed it with X on DATE (reference R)." in one of its forms."""
    ref = ft("checkin.ref", lang, reference=case.reference) if case.reference else ""
    filed = case.filed_at or case.updated_at
    return ft(
        key,
        lang,
        id=case.id,
        channel=channel_label(catalog, case.channel, answers, lang),
        date=fmt_date(filed, tz, lang),
        ref=ref,
    )


def checkin_replies(
    catalog: Catalog, case: CaseRow, answers: Mapping[str, Any], reminder: ReminderRow, tz: tzinfo, lang: str
) -> list[Reply]:
    """The check-in message with its buttons, bound to this reminder's id."""
    lines = [ft("checkin.header", lang, id=case.id), filed_line(catalog, case, answers, tz, lang, "checkin.filed")]
    deadline = deadline_of(catalog, reminder.data)
    if deadline is not None:
        deadline_at = _parse(reminder.data.get("deadline_at")) or reminder.sched_at
        what = deadline_what(catalog, deadline, lang)
        lines.append(ft("checkin.deadline", lang, what=what, deadline=fmt_date(deadline_at, tz, lang)))
    note = basis_note(reminder.data, lang)
    if note:
        lines.append(note)
    if reminder.data.get("snoozed"):
        lines.append(ft("checkin.snoozed", lang))
    lines.append(ft("checkin.question", lang))
    rid = reminder.id
    buttons = [
        Button(ft("btn.resolved", lang), f"_ci:{rid}:res"),
        Button(ft("btn.unsatisfied", lang), f"_ci:{rid}:uns"),
        Button(ft("btn.no_reply", lang), f"_ci:{rid}:nor"),
        *(Button(ft("btn.snooze", lang, days=d), f"_ci:{rid}:{d}") for d in SNOOZE_DAYS),
        Button(ft("btn.stop", lang), f"_ci:{rid}:stop"),
    ]
    return [Reply("\n".join(lines), tuple(buttons), kind="reminder")]


def note_replies(
    catalog: Catalog, case: CaseRow, answers: Mapping[str, Any], reminder: ReminderRow, tz: tzinfo, lang: str
) -> list[Reply]:
    """The single follow-up note of a channel that does not answer individually."""
    channel = catalog.channel(case.channel) if case.channel and catalog.has_channel(case.channel) else None
    ref = ft("checkin.ref", lang, reference=case.reference) if case.reference else ""
    follow_up = channel.follow_up.get(lang) if channel and channel.follow_up else ""
    lines = [
        ft(
            "note.text",
            lang,
            id=case.id,
            channel=channel_label(catalog, case.channel, answers, lang),
            date=fmt_date(case.filed_at or case.updated_at, tz, lang),
            ref=ref,
            follow_up=follow_up,
        ).rstrip()
    ]
    if channel is not None:
        names = [catalog.channel(r.channel_id).name.get(lang) for r in escalation_next(catalog, channel.id, answers)]
        if names:
            lines.append(ft("note.next", lang, names="、".join(names) if lang == "zh" else ", ".join(names)))
    lines.append(ft("note.repeat", lang))
    rid = reminder.id
    buttons = (
        Button(ft("btn.stopped", lang), f"_ci:{rid}:res"),
        Button(ft("btn.continues", lang), f"_ci:{rid}:uns"),
        Button(ft("btn.snooze", lang, days=7), f"_ci:{rid}:7"),
        Button(ft("btn.stop", lang), f"_ci:{rid}:stop"),
    )
    return [Reply("\n".join(lines), buttons, kind="reminder")]


def filing_buttons(case_id: int, lang: str) -> tuple[Button, ...]:
    """Filed / later / remind me tomorrow, for a case that is ready to file."""
    return (
        Button(ft("btn.filed", lang), f"_filed:{case_id}"),
        Button(ft("btn.later", lang), f"_later:{case_id}"),
        Button(ft("btn.tomorrow", lang), f"_filetmr:{case_id}"),
    )


def file_reminder_replies(catalog: Catalog, case: CaseRow, answers: Mapping[str, Any], lang: str) -> list[Reply]:
    """The nudge the person asked for: the case is still not filed."""
    text = ft("file.reminder", lang, id=case.id, channel=channel_label(catalog, case.channel, answers, lang))
    return [Reply(text, filing_buttons(case.id, lang), kind="reminder")]


def schedule_lines(catalog: Catalog, planned: list[Planned], tz: tzinfo, lang: str) -> list[str]:
    """What the person will hear and when, right after filing."""
    checkins = [p for p in planned if p.kind == "checkin"]
    if checkins:
        lines = [ft("filed.schedule", lang)]
        for p in checkins:
            deadline = deadline_of(catalog, p.data)
            what = deadline_what(catalog, deadline, lang) if deadline else ""
            lines.append(ft("filed.schedule_line", lang, date=fmt_when(p.due.sched_at, tz, lang), what=what))
            note = basis_note(p.data, lang)
            if note:
                lines.append("  " + note)
        return lines
    notes = [p for p in planned if p.kind == "note"]
    if not notes:
        return []
    channel_id = notes[0].data["channel"]
    channel = catalog.channel(channel_id)
    follow_up = channel.follow_up.get(lang) if channel.follow_up else ""
    return [ft("filed.note_planned", lang, follow_up=follow_up, date=fmt_when(notes[0].due.sched_at, tz, lang))]


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
