"""`/rules [code]`: the calling and messaging rules of a jurisdiction in plain words, with sources.

The jurisdictions, their names, flags and aliases (GB for UK, 中国 for CN) come from channels.yaml.
"""
from __future__ import annotations

from engine.replies import Button, Reply
from knowledge.catalog import Catalog, Jurisdiction
from knowledge.rules import rules_text
from services.commands import Handler
from services.conversation import Context

UNKNOWN = {
    "zh": "我没有“{code}”的规定。可以查看：{known}。发送 /rules 加上代码，或点下面的按钮。",
    "en": "I have no rules for “{code}”. I know: {known}. Send /rules with a code, or tap one below.",
}


def rules_command(catalog: Catalog) -> Handler:
    """The handler of /rules and of its jurisdiction buttons."""
    codes = [j.code for j in catalog.jurisdictions]
    aliases = {alias.upper(): j.code for j in catalog.jurisdictions for alias in [j.code, *j.aliases]}
    default_by_lang: dict[str, str] = {lang: j.code for j in catalog.jurisdictions for lang in j.default_for}

    async def rules(ctx: Context) -> list[Reply]:
        wanted = ctx.arg.strip()
        code = aliases.get(wanted.upper())
        if wanted and code is None:
            known = ("、" if ctx.lang == "zh" else ", ").join(f"{c} ({catalog.jurisdiction(c).name.get(ctx.lang)})" for c in codes)
            text = UNKNOWN[ctx.lang if ctx.lang in UNKNOWN else "en"].format(code=wanted[:20], known=known)
            return [Reply(text, tuple(Button(_button(catalog.jurisdiction(c), ctx.lang), f"_rules:{c}") for c in codes))]
        if code is None:
            code = await _jurisdiction_of(ctx, codes) or default_by_lang.get(ctx.lang, codes[0])
        others = tuple(Button(_button(catalog.jurisdiction(c), ctx.lang), f"_rules:{c}") for c in codes if c != code)
        return [Reply(rules_text(catalog, code, ctx.lang), others)]

    return rules


def _button(jurisdiction: Jurisdiction, lang: str) -> str:
    return f"{jurisdiction.flag} {jurisdiction.name.get(lang)}".strip()


async def _jurisdiction_of(ctx: Context, codes: list[str]) -> str | None:
    """The jurisdiction of the conversation in progress, else of the person's latest case."""
    state = await ctx.service.state_of(ctx.user)
    current = state.answers.get("jurisdiction")
    if isinstance(current, str) and current in codes:
        return current
    for case in await ctx.service.store.list_cases(ctx.user.id):
        if case.jurisdiction in codes:
            return case.jurisdiction
    return None
