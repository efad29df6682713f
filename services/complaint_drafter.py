"""Drafts for a finished case: the channel's own form first, and the full written complaint with
the evidence list and hashes whenever the first form is shorter (an SMS or a phone script)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.evidence import EvidenceItem
from knowledge.catalog import Catalog
from services.conversation import DraftText
from services.drafting import DraftInput, available_kinds, letter_lang, render_draft, render_gist
from services.send_route import route_section


class CatalogDrafter:
    """Implements the conversation service's Drafter with the jinja2 templates."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def draft(
        self, case_id: int, answers: dict[str, Any], evidence: list[EvidenceItem], created_at: datetime, lang: str
    ) -> DraftText:
        channel_id = str(answers.get("channel") or "")
        draft_input = DraftInput(case_id=case_id, answers=answers, evidence=evidence, created_at=created_at)
        kinds = available_kinds(self.catalog, draft_input, channel_id)
        # The channel reads its own language whatever the chat's; the person gets the gist in theirs (issue 10).
        letter = letter_lang(self.catalog, channel_id)
        drafts = [render_draft(self.catalog, draft_input, channel_id, letter, kinds[0])]
        if "written" in kinds and kinds[0] != "written":
            drafts.append(render_draft(self.catalog, draft_input, channel_id, letter, "written"))
        gist = render_gist(self.catalog, draft_input, channel_id, lang)
        parts = [gist] if gist else []
        for draft in drafts:
            heading = f"【{draft.title}】" if letter == "zh" else f"— {draft.title} —"
            target = f"\n→ {draft.to}" if draft.to else ""
            parts.append(f"{heading}{target}\n{draft.text}")
        parts.append(route_section(self.catalog, channel_id, answers, case_id, lang))  # where and how to send it
        return DraftText(title=drafts[0].title, text="\n\n".join(parts))
