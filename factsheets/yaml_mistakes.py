"""YAML's parse errors in an editor's words, on the line the editor has to change.

libyaml says "mapping values are not allowed in this context" both for a colon
inside an unquoted text and for a line indented too far, and reports some
mistakes on the line after them. These functions look at the lines around the
parser's mark to tell the mistakes apart, and name the line that is wrong.
"""

from __future__ import annotations

import re

import yaml

from .messages import message

Place = tuple[int, int, str]
"""(line, column, message): 1-based, as in a problem line."""


def explain(error: yaml.MarkedYAMLError, text: str) -> Place:
    """The editor's mistake behind ``error`` in ``text``: where it is and what to do."""
    lines = text.split("\n")
    problem = error.problem or ""
    mark, context = error.problem_mark, error.context_mark
    if mark is None:
        return 1, 1, message("yaml.other", detail=problem or error.context or "")
    line, col = mark.line + 1, mark.column + 1
    here = lines[mark.line] if mark.line < len(lines) else ""
    if "tab" in problem or ("cannot start any token" in problem and here[mark.column : mark.column + 1] == "\t"):
        return line, col, message("yaml.tab")
    if "another document" in problem:
        return line, col, message("yaml.two_documents")
    if "found unexpected end of stream" in problem and context is not None and "quoted scalar" in (error.context or ""):
        quote = lines[context.line][context.column] if context.line < len(lines) else '"'
        return context.line + 1, context.column + 1, message("yaml.unclosed_quote", quote=quote)
    if "quoted scalar" in (error.context or "") and context is not None:
        quote = lines[context.line][context.column]
        return context.line + 1, context.column + 1, message("yaml.unclosed_quote", quote=quote)
    if "flow sequence" in (error.context or "") or "flow mapping" in (error.context or ""):
        bracket = "[" if "sequence" in (error.context or "") else "{"
        closing = {"[": "]", "{": "}"}[bracket]
        where = context or mark
        return where.line + 1, where.column + 1, message("yaml.unclosed_bracket", bracket=bracket, closing=closing)
    if "mapping values are not allowed" in problem:
        return _colon_or_too_far(lines, mark.line, mark.column)
    if "could not find expected ':'" in problem and context is not None:
        return context.line + 1, context.column + 1, message("yaml.no_colon")
    if "did not find expected key" in problem or "expected '-' indicator" in problem:
        return _too_little_or_text_after_quote(lines, mark.line, mark.column)
    return line, col, message("yaml.other", detail=problem)


def _colon_or_too_far(lines: list[str], row: int, column: int) -> Place:
    here = lines[row]
    key = re.match(r"\s*(-\s+)?[^\s:#][^:#]*:\s", here)
    if key and key.end() <= column:
        # "nl: Let op: dit": the first colon ends the key, a second one is inside the text.
        return row + 1, column + 1, message("yaml.colon_in_text")
    above = _line_above(lines, row)
    return row + 1, 1, message("yaml.indented_too_far", line=above + 1 if above is not None else 1)


def _too_little_or_text_after_quote(lines: list[str], row: int, column: int) -> Place:
    here = lines[row] if row < len(lines) else ""
    if here[:column].strip():
        quote = here[:column].rstrip()[-1:]
        opened = _unclosed_quote_above(lines, row, quote) if quote in ("'", '"') else None
        if opened is not None:
            # The quote opened above was never closed: this line's first quote closed it.
            return opened[0] + 1, opened[1] + 1, message("yaml.unclosed_quote", quote=quote)
        # Something after a closing quote: "Let op" zeker
        return row + 1, column + 1, message("yaml.text_after_quote")
    above = _line_above(lines, row)
    return row + 1, column + 1, message("yaml.indented_too_little", line=above + 1 if above is not None else 1)


def _unclosed_quote_above(lines: list[str], row: int, quote: str) -> tuple[int, int] | None:
    """The nearest line above ``row`` whose value starts with ``quote`` and does not close it: (line, column)."""
    opening = re.compile(rf"^(\s*(?:-\s+)?(?:[^#'\"]*?:\s+)?)({quote})(.*)$")
    for index in range(row - 1, -1, -1):
        match = opening.match(lines[index])
        if match and not _closes(match.group(3), quote):
            return index, match.start(2)
    return None


def _closes(rest: str, quote: str) -> bool:
    """Whether ``rest`` (what follows an opening quote) holds the closing one; '' and \\" are not closings."""
    if quote == "'":
        return "'" in rest.replace("''", "")
    return '"' in rest.replace("\\\\", "").replace('\\"', "")


def _line_above(lines: list[str], row: int) -> int | None:
    """The index of the nearest line above ``row`` with content (not blank, not only a comment)."""
    for index in range(row - 1, -1, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            return index
    return None


def dropped_comments(node: yaml.Node, text: str) -> dict[tuple[str | int, ...], str]:
    """Plain texts followed by `` #`` on their last line, by path: YAML dropped the rest as a comment.

    The scalar's source ends where the comment starts, so comparing it with the raw line finds the ``#``.
    Only the texts of a language (``nl: Let op # dit``) count: a comment after ``kind: flagship`` is one.
    """
    lines = text.split("\n")
    found: dict[tuple[str | int, ...], str] = {}

    def walk(node: yaml.Node, path: tuple[str | int, ...]) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, (*path, str(key.value)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                walk(item, (*path, index))
        elif not node.style and path and LANGUAGE_KEY.match(str(path[-1])):
            end = node.end_mark
            rest = lines[end.line][end.column :] if end.line < len(lines) else ""
            if match := re.match(r"\s+#(.*)$", rest):
                found[path] = match.group(1).strip()

    walk(node, ())
    return found


LANGUAGE_KEY = re.compile(r"^[a-z]{2,3}$")
"""The key of a text in one language: nl, en, fry."""
