"""Read YAML files safely, keeping the line and column of every key and value.

Only plain YAML is accepted: no tags (they can construct objects), no anchors
or aliases (they hide where a value comes from and allow "billion laughs"),
no duplicate keys (the last one would silently win).
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

if yaml.__with_libyaml__:
    from yaml.cyaml import CParser

from .messages import message, number
from .problems import InvalidInput, Problem
from .yaml_mistakes import dropped_comments, explain

MAX_FILE_BYTES = 256 * 1024
"""A card is a page of text; anything far larger is a mistake or an attack."""

Path_ = tuple[str | int, ...]
DOTTED_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")  # 0.125 is a fraction, 1.200 ambiguous


@dataclass
class Document:
    """A YAML file's data with the position of each value and each key."""

    file: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    dotted_thousands: dict[Path_, str] = field(default_factory=dict)
    """Numbers written like "1.200": YAML reads 1.2, a Dutch editor may have meant 1200."""
    dropped_comments: dict[Path_, str] = field(default_factory=dict)
    """Plain texts with `` #`` in them: YAML kept what came before and dropped the rest as a comment."""

    def position(self, path: Path_, *, of_key: bool = False) -> tuple[int, int]:
        """The closest known position for ``path``: its key, its value, or an ancestor's."""
        table = self.keys if of_key else self.values
        while path:
            if path in table:
                return table[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


class _Refused(Exception):
    def __init__(self, mark: yaml.Mark, message: str) -> None:
        self.mark = mark
        self.message = message


if yaml.__with_libyaml__:

    class _SafeBase(Composer, CParser, SafeConstructor, Resolver):  # type: ignore[misc]
        """libyaml parses (ten times faster); the composer stays Python, so that it can refuse things."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml
    _SafeBase = yaml.SafeLoader  # type: ignore[misc, assignment]


class _PlainYamlLoader(_SafeBase):
    """A safe loader that refuses tags, anchors and aliases where they appear."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(event.start_mark, message("load.alias", anchor=event.anchor))
        if getattr(event, "anchor", None):
            raise _Refused(event.start_mark, message("load.anchor", anchor=event.anchor))
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise _Refused(event.start_mark, message("load.tag", tag=tag))
        return super().compose_node(parent, index)


def display_name(path: Path, root: Path) -> str:
    """The path as editors see it in the repository: relative, with forward slashes."""
    # The folder is resolved, never the file: a symbolic link is named as itself, not as its target.
    try:
        return (path.parent.resolve() / path.name).relative_to(root.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):  # elsewhere, or a loop of links
        return path.as_posix()


def load_yaml(path: Path, root: Path) -> Document:
    """Read one YAML file into a Document, or raise InvalidInput naming the place."""
    name = display_name(path, root)
    text = read_text(path, name)
    if not text.strip():
        raise InvalidInput([Problem(name, 1, 1, "", message("load.empty"))])
    return parse_yaml(text, name)


def parse_yaml(text: str, name: str, first_line: int = 1) -> Document:
    """YAML ``text`` from file ``name`` (starting on its line ``first_line``) into a Document."""
    try:
        document = _parse(text, name)
    except InvalidInput as invalid:
        raise InvalidInput([_moved(problem, first_line - 1) for problem in invalid.problems]) from None
    if first_line > 1:
        document.values = {path: (line + first_line - 1, col) for path, (line, col) in document.values.items()}
        document.keys = {path: (line + first_line - 1, col) for path, (line, col) in document.keys.items()}
    return document


def plain_data(text: str) -> Any:
    """YAML from outside the working tree (a card as an old commit left it) as plain data, read the way
    cards are read: libyaml, and no anchors, aliases or tags (an alias bomb in any commit of a pull
    request would otherwise reach the build). None when it is not such YAML or larger than a card may be."""
    if len(text.encode()) > MAX_FILE_BYTES:
        return None
    try:
        return parse_yaml(text, "").data
    except InvalidInput:
        return None


def _moved(problem: Problem, lines: int) -> Problem:
    return Problem(problem.file, problem.line + lines, problem.col, problem.field, problem.message)


def _parse(text: str, name: str) -> Document:
    try:
        node = _compose(text)
    except yaml.reader.ReaderError as error:
        # libyaml counts the position in UTF-8 bytes, PyYAML in characters.
        before = (
            text.encode()[: error.position].decode(errors="ignore") if yaml.__with_libyaml__ else text[: error.position]
        )
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        text = message("load.control_character", code=f"{error.character:04x}")
        raise InvalidInput([Problem(name, line, col, "", text)]) from None
    except RecursionError:
        raise InvalidInput([Problem(name, 1, 1, "", message("load.too_deep"))]) from None
    except _Refused as refused:
        raise InvalidInput([_problem_at(name, refused.mark, refused.message)]) from None
    except yaml.MarkedYAMLError as error:
        line, col, explained = explain(error, text)
        raise InvalidInput([Problem(name, line, col, "", explained)]) from None
    except yaml.YAMLError as error:
        raise InvalidInput([Problem(name, 1, 1, "", message("yaml.other", detail=error))]) from None
    if node is None:
        raise InvalidInput([Problem(name, 1, 1, "", message("load.no_data"))])
    document = Document(name, None, dropped_comments=dropped_comments(node, text))
    problems: list[Problem] = []
    try:
        document.data = _to_python(node, (), document, problems, yaml.SafeLoader(""))
    except RecursionError:
        raise InvalidInput([Problem(name, 1, 1, "", message("load.too_deep"))]) from None
    if problems:
        raise InvalidInput(problems)
    return document


def _compose(text: str) -> yaml.Node | None:
    loader = _PlainYamlLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


NOT_A_FILE = {
    stat.S_IFLNK: "load.symlink",
    stat.S_IFDIR: "load.folder",
    stat.S_IFIFO: "load.fifo",
    stat.S_IFSOCK: "load.socket",
    stat.S_IFCHR: "load.device",
    stat.S_IFBLK: "load.device",
}
"""The catalogue's message for each kind of file that is not a regular one."""


def kind_problem(path: Path) -> str | None:
    """Why ``path`` is not a regular file of the repository (without following it); None when it is one."""
    mode = os.lstat(path).st_mode
    return None if stat.S_ISREG(mode) else _not_a_file(mode)


def _not_a_file(mode: int) -> str:
    return message(NOT_A_FILE.get(stat.S_IFMT(mode), "load.not_regular"))


def read_bytes(path: Path, name: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is refused before it is read.

    A symbolic link could publish any file of the build machine, a FIFO would hang the build,
    and a file replaced between the check and the read is caught by checking the open file again.
    """
    try:
        problem = kind_problem(path)
        if problem is None:
            return _read_regular(path, name, limit)
    except FileNotFoundError:
        raise
    except OSError as error:
        problem = message("load.unreadable", reason=error.strerror)
    raise InvalidInput([Problem(name, 1, 1, "", problem)])


def _read_regular(path: Path, name: str, limit: int) -> bytes:
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InvalidInput([Problem(name, 1, 1, "", _not_a_file(info.st_mode))])
        raw = file.read(limit + 1)
    if len(raw) > limit:
        raise InvalidInput([Problem(name, 1, 1, "", message("load.too_large", limit=number(limit)))])
    return raw


def read_text(path: Path, name: str, limit: int = MAX_FILE_BYTES) -> str:
    """A regular file's text: UTF-8, without a byte order mark; InvalidInput naming the place otherwise."""
    raw = read_bytes(path, name, limit)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        col = error.start - (before.rfind(b"\n") + 1) + 1
        text = message("load.not_utf8", byte=f"{raw[error.start]:02x}")
        raise InvalidInput([Problem(name, line, col, "", text)]) from None
    return text.removeprefix("\ufeff")


def _problem_at(name: str, mark: yaml.Mark | None, message: str) -> Problem:
    if mark is None:
        return Problem(name, 1, 1, "", message)
    return Problem(name, mark.line + 1, mark.column + 1, "", message)


def _to_python(node: yaml.Node, path: Path_, doc: Document, problems: list[Problem], constructor: Any) -> Any:
    doc.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            known_problems = len(problems)
            key = _scalar(key_node, path, doc, problems, constructor)
            if len(problems) > known_problems:
                continue
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if not isinstance(key, str):
                text = message("load.key_not_a_name", key=repr(key))
                problems.append(Problem(doc.file, line, col, dotted(path), text))
                continue
            if key in result:
                first_line = doc.keys[(*path, key)][0]
                text = message("load.duplicate_key", key=key, line=first_line)
                problems.append(Problem(doc.file, line, col, dotted((*path, key)), text))
                continue
            doc.keys[(*path, key)] = (line, col)
            result[key] = _to_python(value_node, (*path, key), doc, problems, constructor)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, (*path, i), doc, problems, constructor) for i, item in enumerate(node.value)]
    if not node.style and DOTTED_THOUSANDS.fullmatch(node.value):  # plain: None in PyYAML, "" in libyaml
        doc.dotted_thousands[path] = node.value
    return _scalar(node, path, doc, problems, constructor)


def _scalar(node: yaml.Node, path: Path_, doc: Document, problems: list[Problem], constructor: Any) -> Any:
    try:
        return constructor.construct_object(node)
    except yaml.constructor.ConstructorError:
        # PyYAML resolves a few odd plain scalars (a lone "=") to types it then cannot build.
        text = message("load.unreadable_value", value=repr(node.value[:60]))
    except ValueError:  # Python refuses to read whole numbers of more than 4300 digits
        text = message("load.too_many_digits", digits=number(len(node.value)))
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    problems.append(Problem(doc.file, line, col, dotted(path), text))
    return None


def dotted(path: Path_) -> str:
    """A field path as editors write it: ``organisations[0].name``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text
