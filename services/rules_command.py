"""`/rules [CN|US|UK]`: the calling and messaging rules of a jurisdiction in plain words, with sources."""
from __future__ import annotations

from engine.regions import DEFAULT_BY_LANG, PHONE_REGION
from engine.replies import Button, Reply
from knowledge.catalog import Catalog
from knowledge.rules import rules_text
from services.commands import Handler
from services.conversation import Context

NAMES = {"CN": "🇨🇳 中国 / China", "US": "🇺🇸 US", "UK": "🇬🇧 UK"}
ALIASES = {"CHINA": "CN", "中国": "CN", "USA": "US", "美国": "US", "GB": "UK", "英国": "UK"}


def rules_command(catalog: Catalog) -> Handler:
    """The handler of /rules and of its jurisdiction buttons."""

    async def rules(ctx: Context) -> list[Reply]:
        wanted = ctx.arg.strip().upper()
        code = ALIASES.get(wanted, wanted)
        if code not in PHONE_REGION:
            code = await _jurisdiction_of(ctx) or DEFAULT_BY_LANG.get(ctx.lang, "CN")
        others = tuple(Button(NAMES[c], f"_rules:{c}") for c in PHONE_REGION if c != code)
        return [Reply(rules_text(catalog, code, ctx.lang), others)]

    return rules


async def _jurisdiction_of(ctx: Context) -> str | None:
    """The jurisdiction of the conversation in progress, else of the person's latest case."""
    state = await ctx.service.state_of(ctx.user)
    current = state.answers.get("jurisdiction")
    if isinstance(current, str) and current in PHONE_REGION:
        return current
    for case in await ctx.service.store.list_cases(ctx.user.id):
        if case.jurisdiction in PHONE_REGION:
            return case.jurisdiction
    return None
