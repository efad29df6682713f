"""The conversation engine: pure (no I/O, no clock). Its modules run compiled by mypyc when a build of
these exact sources exists (engine/compiled.py), interpreted otherwise, with the same behaviour."""
from engine.compiled import ACTIVE as COMPILED

__all__ = ["COMPILED"]
