"""The "where and how to send it" section that ends every draft, rendered from knowledge.route."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from knowledge.catalog import Catalog
from knowledge.route import send_route
from services.drafting import TEMPLATES


def route_section(catalog: Catalog, channel_id: str, answers: Mapping[str, Any], case_id: int, lang: str) -> str:
    """The channel's route in `lang` ("zh" or "en"): ways to send, SMS format, what to attach, what comes next."""
    lang = "en" if lang == "en" else "zh"
    text = TEMPLATES.get_template(f"{lang}/_route.j2").render(
        route=send_route(catalog, channel_id, answers, lang),
        case_id=case_id,
        to_be_confirmed=catalog.texts.to_be_confirmed.get(lang),
    )
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
