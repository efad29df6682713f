"""Inputs shared by the robustness tests: forged button data."""
from __future__ import annotations

FORGED_VALUES = [
    "_edit:nonexistent", "_edit:", "_edit:summary", "_edit:done", "_edit:evidence", "_edit:jurisdiction",
    "_delete:999", "_delete:1", "_delete:", "_keep", "_keepcase", "_done", "_ok", "_skip", "_back", "_help",
    "_cancel", "_new", "_new_confirm", "_continue", "_cases", "yes", "no", "CN", "XX", "robocall", "time",
    "cn_12321", "", ":", "_", "__proto__",
]
