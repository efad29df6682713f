"""How much evidence a platform should fetch at most: what the flow would accept anyway."""
from __future__ import annotations

from engine.model import EvidenceStep, Flow

MB = 1024 * 1024


def evidence_limit(flow: Flow | None) -> int | None:
    """The largest file the flow accepts as evidence; no point downloading anything bigger."""
    step = next((s for s in flow.steps if isinstance(s, EvidenceStep)), None) if flow else None
    return int(step.max_size_mb * MB) if step else None
