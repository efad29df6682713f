"""YAML loading that remembers where every value came from, so errors can say file:line:col.

PyYAML's `compose()` keeps a start mark on each node (see ARCHITECTURE.md); we build plain Python
data from the node tree and keep a map from the data path to the node, so a validation error's
location (a pydantic `loc`) can be turned back into a line and column.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[Any, ...]


@dataclass
class SourceProblem:
    """One problem in a source file, printable as `file:line:col: message` (1-based, like compilers)."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


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


class _Builder:
    """Turns a composed node tree into data, recording marks and duplicate keys."""

    def __init__(self, file: str) -> None:
        self.doc = MarkedDocument(file=file, data=None)
        self.problems: list[SourceProblem] = []
        self._constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.doc.marks[path] = node.start_mark
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build_scalar(key_node)
                if key in result:
                    self.problems.append(
                        SourceProblem(
                            self.doc.file,
                            key_node.start_mark.line + 1,
                            key_node.start_mark.column + 1,
                            f"duplicate key '{key}'",
                        )
                    )
                self.doc.key_marks[path + (key,)] = key_node.start_mark
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, path + (i,)) for i, child in enumerate(node.value)]
        return self.build_scalar(node)

    def build_scalar(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self._constructor.construct_object(node, deep=True)
        return str(node.start_mark)


def position_of(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character offset, counting line breaks as YAML does."""
    before = text[:index]
    breaks = [i for i, ch in enumerate(before) if ch in "\n\x85\u2028\u2029" or (ch == "\r" and before[i + 1 : i + 2] != "\n")]
    start = breaks[-1] + 1 if breaks else 0
    return len(breaks) + 1, index - start + 1


def load_marked(text: str, file: str) -> tuple[MarkedDocument | None, list[SourceProblem]]:
    """Parse YAML text; returns the document (None on a syntax error) and every problem found."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [SourceProblem(file, line, col, f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as exc:
        line, col = position_of(text, exc.position)
        return None, [SourceProblem(file, line, col, f"the file contains a character YAML does not allow (U+{exc.character:04X})")]
    except yaml.YAMLError as exc:
        return None, [SourceProblem(file, 1, 1, "YAML error: " + " ".join(str(exc).split()))]
    if root is None:
        return None, [SourceProblem(file, 1, 1, "the file is empty")]
    builder = _Builder(file)
    builder.doc.data = builder.build(root, ())
    return builder.doc, builder.problems


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
