"""Where and how to send a complaint: the channel's route as data, from channels.yaml only.

Every draft ends with this section (rendered by services/send_route.py), so a person knows the web
address, the SMS number and its exact format, the app, the phone line and its hours, what to attach,
and what happens next and when. Nothing here is invented: each line is a catalogue fact, and a fact
the research could not confirm keeps its `unverified` flag so the text says "to be confirmed".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge.catalog import Catalog, Channel, OperatorId

# How the SMS placeholders read in each language, so the format can be shown as the channel asks for it.
SMS_PLACEHOLDERS = {
    "zh": {"number": "对方号码", "text": "短信全文（不要修改）"},
    "en": {"number": "the sender's number", "text": "the full text of the message (unedited)"},
}


@dataclass(frozen=True)
class Way:
    """One way to reach the channel: a web address, an SMS number, an app, a phone line or an address."""

    type: str
    value: str | None
    note: str | None
    operator: str | None
    unverified: bool


@dataclass(frozen=True)
class SmsRoute:
    """The channel's SMS report: the number, the exact format, and a second message if it asks for one."""

    to: str
    format: str
    followup: str | None
    note: str | None
    unverified: bool


@dataclass(frozen=True)
class Step:
    """What happens after filing, and when: a deadline of the channel in days or working days."""

    what: str
    days: int
    working_days: bool
    unverified: bool


@dataclass(frozen=True)
class Route:
    channel_id: str
    channel_name: str
    ways: tuple[Way, ...]
    sms: SmsRoute | None
    file_within: tuple[Step, ...]  # limits on when to file, e.g. within two weeks of the call
    next_steps: tuple[Step, ...]
    follow_up: str | None
    tracks_complaints: bool
    uploads: bool  # a web form, e-mail or letter can carry the evidence pack; texts and calls cannot
    attach: str | None  # the channel's own word on evidence, where it differs (e.g. a form without uploads)
    attach_unverified: bool


def send_route(catalog: Catalog, channel_id: str, answers: Mapping[str, Any], lang: str) -> Route:
    """The route for this channel in `lang`, narrowed to the person's operator when the answers name it."""
    channel = catalog.channel(channel_id)
    operator = next((key for key in channel.operators if key == answers.get("own_operator")), None)
    return Route(
        channel_id=channel.id,
        channel_name=_name(channel, operator, lang),
        ways=tuple(_ways(channel, operator, lang)),
        sms=_sms(channel, operator, answers, lang),
        file_within=tuple(
            Step(d.what.get(lang), d.days, d.working_days, d.unverified or channel.unverified)
            for d in channel.deadlines
            if d.kind == "file_within"
        ),
        next_steps=tuple(
            Step(d.what.get(lang), d.days, d.working_days, d.unverified or channel.unverified)
            for d in channel.deadlines
            if d.kind == "answer"
        ),
        follow_up=channel.follow_up.get(lang) if channel.follow_up else None,
        tracks_complaints=channel.tracks_complaints,
        uploads=any(h.type in ("web", "email", "post") for h in channel.how_for(operator)),
        attach=channel.attach.text.get(lang) if channel.attach else None,
        attach_unverified=bool(channel.attach and (channel.attach.unverified or channel.unverified)),
    )


def _name(channel: Channel, operator: OperatorId | None, lang: str) -> str:
    return channel.operators[operator].name.get(lang) if operator else channel.name.get(lang)


def _ways(channel: Channel, operator: OperatorId | None, lang: str) -> list[Way]:
    ways = []
    for how in channel.how_for(operator):
        owner = channel.operators.get(how.operator) if how.operator else None
        ways.append(Way(
            type=how.type,
            value=how.value,
            note=how.note.get(lang) if how.note else None,
            operator=owner.name.get(lang) if owner and operator is None else None,
            unverified=how.unverified or channel.unverified,
        ))
    return ways


def _sms(channel: Channel, operator: OperatorId | None, answers: Mapping[str, Any], lang: str) -> SmsRoute | None:
    """The SMS report format, shown only where it applies to the case (spam texts for most channels)."""
    fmt = channel.sms_format_for(operator)
    if fmt is None or answers.get("issue_type") not in fmt.issues:
        return None
    words = SMS_PLACEHOLDERS["en" if lang == "en" else "zh"]
    return SmsRoute(
        to=fmt.to,
        format=fmt.pattern.format(**words),
        followup=fmt.followup_pattern.format(**words) if fmt.followup_pattern else None,
        note=fmt.note.get(lang) if fmt.note else None,
        unverified=fmt.unverified or channel.unverified,
    )
