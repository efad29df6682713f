"""The engine's `Regions`, built from the channels.yaml jurisdictions."""
from __future__ import annotations

from engine.regions import Region, Regions
from knowledge.catalog import Catalog


def regions_from(catalog: Catalog) -> Regions:
    return Regions.of(
        (
            Region(j.code, j.region, j.timezone, j.date_order, j.multi_timezone, tuple(j.name.as_dict().items()))
            for j in catalog.jurisdictions
        ),
        {lang: j.code for j in catalog.jurisdictions for lang in j.default_for},
    )
