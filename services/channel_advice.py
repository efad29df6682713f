"""The engine's channel step, answered from channels.yaml: ranked channels with one line on why."""
from __future__ import annotations

from typing import Any

from engine.engine import ChannelOption
from knowledge.regions import regions_from
from knowledge.catalog import Catalog
from knowledge.recommend import recommend


class CatalogAdvisor:
    """Implements the engine's ChannelAdvisor with the sourced catalogue."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.regions = regions_from(catalog)

    def options(self, answers: dict[str, Any], lang: str) -> list[ChannelOption]:
        region = self.regions.for_answers(answers, "jurisdiction", lang)
        if region is None:
            return []
        jurisdiction = region.code
        return [
            ChannelOption(rec.channel_id, self.label(rec.channel_id, lang), rec.why.get(lang) or rec.why.get("en", ""))
            for rec in recommend(self.catalog, answers, jurisdiction)
        ]

    def label(self, value: str, lang: str) -> str:
        if not self.catalog.has_channel(value):
            return value
        return self.catalog.channel(value).name.get(lang)
