"""Whose clock a date is shown on and quiet hours are kept by: the person's zone, and /timezone.

A person who never set /timezone lives, as far as we know, where their case is: the case's country,
else the country of the channel it went to, else UTC.
"""
from __future__ import annotations

import re
from datetime import tzinfo
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from engine.replies import Reply
from knowledge.catalog import Catalog
from services.followup.texts import ft
from storage.protocols import CaseRow, Store, User

if TYPE_CHECKING:
    from services.conversation import Context

# Names in the zone database that are no place a person lives: "Factory" is a placeholder zone and
# "localtime" the server's own setting, whatever that is.
NOT_PLACES = frozenset({"Factory", "localtime", "posixrules"})


def zone(name: str | None, fallback: str = "UTC") -> tzinfo:
    """A time zone by IANA name; an unknown or missing name gives the fallback."""
    for candidate in (name, fallback, "UTC"):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return ZoneInfo("UTC")


def person_tz(catalog: Catalog, user: User, case: CaseRow | None) -> tzinfo:
    """The person's zone: their /timezone, else their case's country, else the channel's."""
    fallback = "UTC"
    code = case.jurisdiction if case else None
    if not code and case and case.channel and catalog.has_channel(case.channel):
        code = catalog.channel(case.channel).jurisdiction
    if code:
        try:
            fallback = catalog.jurisdiction(code).timezone
        except KeyError:
            pass
    return zone(user.timezone, fallback)


def resolve_timezone(name: str) -> str | None:
    """An IANA zone name as typed, matched without regard to case ("asia/shanghai" works)."""
    name = name.strip().replace(" ", "_")
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]{1,64}", name):
        return None
    zones = available_timezones() - NOT_PLACES
    if name in zones:
        return name
    folded = {z.casefold(): z for z in zones}
    return folded.get(name.casefold())


class TimezoneCommand:
    """/timezone [Area/City | reset] — where the person is, for quiet hours and dates."""

    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog

    async def __call__(self, ctx: Context) -> list[Reply]:
        name = ctx.arg.strip()
        if not name:
            cases = await self.store.list_cases(ctx.user.id)
            tz = person_tz(self.catalog, ctx.user, cases[0] if cases else None)
            shown = ctx.user.timezone or f"{getattr(tz, 'key', str(tz))} {ft('tz.default', ctx.lang)}"
            return [Reply(ft("tz.current", ctx.lang, tz=shown, time=ctx.now.astimezone(tz).strftime("%H:%M")))]
        if name.casefold() in {"reset", "default", "auto", "默认"}:
            await self.store.set_user_timezone(ctx.user.id, None)
            return [Reply(ft("tz.reset", ctx.lang))]
        key = resolve_timezone(name)
        if key is None:
            return [Reply(ft("tz.unknown", ctx.lang, tz=name[:64]))]
        await self.store.set_user_timezone(ctx.user.id, key)
        return [Reply(ft("tz.set", ctx.lang, tz=key, time=ctx.now.astimezone(zone(key)).strftime("%H:%M")))]
