"""The one reader of definition files (flows.yaml, channels.yaml): YAML that remembers where every value came from.

PyYAML's `compose()` keeps a start mark on each node (see ARCHITECTURE.md); we build plain Python
data from the node tree and keep a map from the data path to the node, so a validation error's
location (a pydantic `loc`) can be turned back into a line and column. Both loaders use it, so both
report a broken file the same way: every problem as `file:line:col: message`, never a traceback.

The file is read within limits first (size, nesting depth, aliases and what they expand to), so a
file nested 20,000 deep or a "billion laughs" is a reported problem, not a RecursionError or an
exhausted memory (issue 11).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import yaml
from yaml.events import AliasEvent

Path = tuple[Any, ...]

STANDARD_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class Limits:
    """How big a definition file may be; the shipped files use a small fraction of each."""

    max_bytes: int = 4 * 1024 * 1024
    max_depth: int = 64
    max_aliases: int = 100
    max_values: int = 200_000  # values after expanding aliases


LIMITS = Limits()


@dataclass
class SourceProblem:
    """One problem in a source file, printable as `file:line:col: message` (1-based, like compilers)."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"

    def sort_key(self) -> tuple[int, int, str]:
        return self.line, self.col, self.message


@dataclass
class MarkedDocument:
    """Plain data plus the mark of every node, keyed by its path from the root."""

    file: str
    data: Any
    marks: dict[Path, yaml.Mark] = field(default_factory=dict)
    key_marks: dict[Path, yaml.Mark] = field(default_factory=dict)

    def problem_at(self, path: Path, message: str, *, key: bool = False) -> SourceProblem:
        """A problem located at the deepest known node along `path` (tags in pydantic locs are skipped)."""
        mark = self.mark_for(path, key=key)
        if mark is None:
            return SourceProblem(self.file, 1, 1, message)
        return SourceProblem(self.file, mark.line + 1, mark.column + 1, message)

    def mark_for(self, path: Path, *, key: bool = False) -> yaml.Mark | None:
        resolved: list[Any] = []
        best = self.marks.get(())
        node_data = self.data
        for part in path:
            if isinstance(node_data, dict) and part in node_data:
                resolved.append(part)
                node_data = node_data[part]
            elif isinstance(node_data, list) and isinstance(part, int) and 0 <= part < len(node_data):
                resolved.append(part)
                node_data = node_data[part]
            else:
                continue
            best = self.marks.get(tuple(resolved), best)
        if key and tuple(resolved) in self.key_marks:
            return self.key_marks[tuple(resolved)]
        return best


class _TooBig(yaml.MarkedYAMLError):
    """Raised while composing, before a limit is passed; reported as a problem at its mark."""


class _LimitedLoader(yaml.SafeLoader):
    """SafeLoader that stops at the nesting depth and alias count of its limits."""

    limits: Limits = LIMITS

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0
        self.aliases = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(AliasEvent):
            self.aliases += 1
            if self.aliases > self.limits.max_aliases:
                raise _TooBig(problem=f"more than {self.limits.max_aliases} aliases (*name)", problem_mark=self.peek_event().start_mark)
        self.depth += 1
        try:
            if self.depth > self.limits.max_depth:
                raise _TooBig(problem=f"nested more than {self.limits.max_depth} levels deep", problem_mark=self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _LimitedTextLoader(_LimitedLoader):
    """The same without implicit timestamps, so dates reach pydantic as text and errors keep their node."""


_LimitedTextLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Builder:
    """Turns a composed node tree into data, recording marks, duplicate keys and unknown tags."""

    def __init__(self, file: str) -> None:
        self.doc = MarkedDocument(file=file, data=None)
        self.problems: list[SourceProblem] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def problem(self, mark: yaml.Mark, message: str) -> None:
        self.problems.append(SourceProblem(self.doc.file, mark.line + 1, mark.column + 1, message))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.doc.marks[path] = node.start_mark
        if isinstance(node, yaml.MappingNode):
            self.check_tag(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build_scalar(key_node)
                if key in result:
                    self.problem(key_node.start_mark, f"duplicate key '{key}'")
                self.doc.key_marks[path + (key,)] = key_node.start_mark
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node)
            return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
        return self.build_scalar(node)

    def check_tag(self, node: yaml.Node) -> None:
        if not node.tag.startswith(STANDARD_TAG):
            self.problem(node.start_mark, f"unknown tag '{node.tag}'")

    def build_scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return str(node.start_mark)
        if not node.tag.startswith(STANDARD_TAG):
            self.check_tag(node)
            return node.value
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            # e.g. `!!python/object` or a date such as 2026-13-45 that only looks like one
            what = exc.problem if isinstance(exc, yaml.MarkedYAMLError) and exc.problem else str(exc)
            self.problem(node.start_mark, f"cannot read the value: {' '.join(what.split())}")
            return node.value


def _expanded_size(root: yaml.Node, limit: int) -> tuple[int, yaml.Mark | None]:
    """How many values the tree has once aliases are expanded (stops past `limit`); a cycle's mark if any."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise _Cycle(node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return 1
        open_nodes.add(key)
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else node.value
        total = 1
        for child in children:
            total += size(child)
            if total > limit:
                break
        open_nodes.discard(key)
        sizes[key] = total
        return total

    try:
        return size(root), None
    except _Cycle as cycle:
        return 0, cycle.mark


class _Cycle(Exception):
    def __init__(self, mark: yaml.Mark) -> None:
        self.mark = mark


def position_of(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character offset, counting line breaks as YAML does."""
    before = text[:index]
    breaks = [i for i, ch in enumerate(before) if ch in "\n\x85\u2028\u2029" or (ch == "\r" and before[i + 1 : i + 2] != "\n")]
    start = breaks[-1] + 1 if breaks else 0
    return len(breaks) + 1, index - start + 1


def read_source(path: str | FilePath, limits: Limits = LIMITS) -> tuple[str | None, list[SourceProblem]]:
    """The text of a definition file, or why it cannot be used (missing, unreadable, too big: checked before reading)."""
    name = str(path)
    try:
        size = FilePath(path).stat().st_size
        if size > limits.max_bytes:
            return None, [SourceProblem(name, 1, 1, f"the file is too big ({size:,} bytes; at most {limits.max_bytes:,})")]
        return FilePath(path).read_text(encoding="utf-8"), []
    except FileNotFoundError:
        return None, [SourceProblem(name, 1, 1, "file not found")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [SourceProblem(name, 1, 1, f"cannot read the file: {exc}")]


def load_marked(
    text: str, file: str, *, timestamps: bool = True, limits: Limits = LIMITS
) -> tuple[MarkedDocument | None, list[SourceProblem]]:
    """Parse YAML text; returns the document (None when it cannot be read) and every problem found.

    `timestamps=False` keeps dates as text (the catalogue validates them itself).
    """
    if len(text) > limits.max_bytes:
        return None, [SourceProblem(file, 1, 1, f"the file is too big ({len(text):,} characters; at most {limits.max_bytes:,})")]
    loader_class = _LimitedLoader if timestamps else _LimitedTextLoader
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as exc:
        return None, [_reader_problem(text, file, exc)]
    loader.limits = limits
    try:
        root = loader.get_single_node()
    except _TooBig as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [SourceProblem(file, line, col, f"the file is too complex: {exc.problem}")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [SourceProblem(file, line, col, f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as exc:
        return None, [_reader_problem(text, file, exc)]
    except yaml.YAMLError as exc:
        return None, [SourceProblem(file, 1, 1, "YAML error: " + " ".join(str(exc).split()))]
    finally:
        loader.dispose()
    if root is None:
        return None, [SourceProblem(file, 1, 1, "the file is empty")]
    values, cycle = _expanded_size(root, limits.max_values)
    if cycle is not None:
        return None, [SourceProblem(file, cycle.line + 1, cycle.column + 1, "an alias refers to the value that contains it")]
    if values > limits.max_values:
        return None, [SourceProblem(file, 1, 1, f"the file is too complex: more than {limits.max_values:,} values once aliases are expanded")]
    builder = _Builder(file)
    builder.doc.data = builder.build(root, ())
    return builder.doc, builder.problems


def _reader_problem(text: str, file: str, exc: yaml.reader.ReaderError) -> SourceProblem:
    line, col = position_of(text, exc.position)
    return SourceProblem(file, line, col, f"the file contains a character YAML does not allow (U+{exc.character:04X})")


def pydantic_problems(doc: MarkedDocument, error: Any) -> list[SourceProblem]:
    """Map each error of a pydantic ValidationError to the source line of the value it is about."""
    problems = []
    for item in error.errors(include_url=False):
        loc = tuple(item.get("loc", ()))
        shown = ".".join(str(part) for part in loc)
        message = item.get("msg", "invalid value")
        if item.get("type") == "missing":
            message = f"missing required field '{loc[-1]}'" if loc else "missing required field"
            loc = loc[:-1]
        elif item.get("type") == "union_tag_invalid":
            ctx = item.get("ctx", {})
            field_name = str(ctx.get("discriminator", "type")).strip("'")
            message = f"unknown {field_name} '{ctx.get('tag')}' (known: {ctx.get('expected_tags')})"
            loc = loc + (field_name,)
        elif item.get("type") == "extra_forbidden":
            message = f"unknown field '{loc[-1]}'"
            problems.append(doc.problem_at(loc, message, key=True))
            continue
        elif shown:
            message = f"{shown}: {message}"
        problems.append(doc.problem_at(loc, message))
    return problems
