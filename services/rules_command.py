"""`/rules [CN|US|UK]`: the calling and messaging rules of a jurisdiction in plain words, with sources."""
from __future__ import annotations

from engine.regions import DEFAULT_BY_LANG, PHONE_REGION
from engine.replies import Button, Reply
from knowledge.catalog import Catalog
from knowledge.rules import rules_text
from services.conversation import Context, ConversationService

NAMES = {"CN": "🇨🇳 中国 / China", "US": "🇺🇸 US", "UK": "🇬🇧 UK"}
UNKNOWN = {
    "zh": "我没有“{code}”的规定。可以查看：{known}。发送 /rules CN、/rules US 或 /rules UK，或点下面的按钮。",
    "en": "I have no rules for “{code}”. I know: {known}. Send /rules CN, /rules US or /rules UK, or tap one below.",
}
ALIASES = {"CHINA": "CN", "中国": "CN", "USA": "US", "美国": "US", "GB": "UK", "英国": "UK"}


def register_rules(service: ConversationService, catalog: Catalog) -> None:
    """Adds /rules and its jurisdiction buttons to the conversation service."""

    async def rules(ctx: Context) -> list[Reply]:
        wanted = ctx.arg.strip().upper()
        code = ALIASES.get(wanted, wanted)
        if wanted and code not in PHONE_REGION:
            known = "、".join(NAMES[c] for c in PHONE_REGION) if ctx.lang == "zh" else ", ".join(NAMES[c] for c in PHONE_REGION)
            text = UNKNOWN[ctx.lang if ctx.lang in UNKNOWN else "en"].format(code=ctx.arg.strip()[:20], known=known)
            return [Reply(text, tuple(Button(NAMES[c], f"_rules:{c}") for c in PHONE_REGION))]
        if code not in PHONE_REGION:
            code = await _jurisdiction_of(ctx) or DEFAULT_BY_LANG.get(ctx.lang, "CN")
        others = tuple(Button(NAMES[c], f"_rules:{c}") for c in PHONE_REGION if c != code)
        return [Reply(rules_text(catalog, code, ctx.lang), others)]

    service.commands["rules"] = rules
    service.buttons["_rules"] = rules


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
