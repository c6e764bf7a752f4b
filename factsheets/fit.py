"""Fitting a laid-out sheet to its page: measure it, tighten it, spread it.

A sheet is laid out by WeasyPrint at its natural height (print.css, fit level 0).
Then one of two things happens, without laying it out again when it fits:

- It is too long: ``measure`` says by how much, in which column, and which
  blocks cross the footer, and ``next_attempt`` picks the next layout to try:
  first the overfull column made wider when the other column has room (type
  stays at its normal size), then tighter fit levels (type and spacing together,
  see ``html.fs-fit-N`` in print.css), estimated from the excess, down to the
  floor.
- It is shorter than its page: ``spread`` gives the height left over to the
  blocks, as flex boxes would (which cost WeasyPrint 3 to 30 times the time):
  the key figures move down onto the footer, the facts column's boxes grow
  until their bottom edge meets the key figures, the text column's gaps widen.

This works on WeasyPrint's laid-out boxes (``Page._page_box``, version pinned in
requirements.txt), and the links, anchors and backgrounds are gathered again
afterwards from the moved boxes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

FIT_LEVELS = 6
"""Levels 0 (normal) to 5 (the floor), the ``html.fs-fit-N`` rules of print.css."""

FLOOR_PT = 8.0
"""Body text at the tightest level; print.css's ``html.fs-fit-5``. Nothing on a sheet is smaller."""

HEIGHT_PER_LEVEL = 0.05
"""About how much shorter a sheet gets per level (type about 2 % smaller, lines and gaps tighter)."""

FIT_CLASS = 'class="fs-fit-0"'
"""What the sheet's ``<html>`` carries for level 0 (print/sheet.html.j2); another attempt replaces it."""

COLUMNS = ("text", "facts")
"""The sheet's two columns, ``.fs-column--text`` and ``.fs-column--facts``; ``html.fs-wide-<name>`` widens one."""

ROOM_MM = 8.0
"""The room a column must have left before the other, overfull one is made wider at its expense."""

MAX_TEXT_GAP_MM = 9.0
"""A widened gap between two text blocks stays under this; what is left stays below the last one."""

PX_PER_MM = 96 / 25.4


@dataclass(frozen=True)
class Measure:
    """A laid-out sheet against its page: the blocks that do not fit, and how much too tall it is."""

    overflowing: list[str]
    excess: float  # CSS px the blocks reach past the line above the footer, or spill onto more pages; 0: they fit
    height: float  # CSS px from the sheet's top to that line
    columns: dict[str, float] = field(default_factory=dict)  # per column: px too tall (< 0: room left)


@dataclass(frozen=True)
class Attempt:
    """One layout of a sheet: its fit level and the column made wider, if any."""

    level: int = 0
    wide: str | None = None

    def html(self, html: str) -> str:
        """The sheet's HTML for this attempt."""
        classes = f"fs-fit-{self.level}" + (f" fs-wide-{self.wide}" if self.wide else "")
        return html.replace(FIT_CLASS, f'class="{classes}"', 1)


def next_attempt(attempt: Attempt, measure: Measure) -> Attempt | None:
    """What to lay out after ``attempt`` did not fit: None when nothing tighter is left."""
    if attempt.wide is None and measure.columns:
        full = max(COLUMNS, key=lambda name: measure.columns.get(name, 0))
        other = next(name for name in COLUMNS if name != full)
        if measure.columns.get(full, 0) > 0 and measure.columns.get(other, 0) < -ROOM_MM * PX_PER_MM:
            return Attempt(attempt.level, full)
    if attempt.level >= FIT_LEVELS - 1:
        return None
    needed = measure.excess / max(measure.height, 1)
    estimate = attempt.level + math.ceil(needed / HEIGHT_PER_LEVEL) if measure.excess else FIT_LEVELS - 1
    return Attempt(min(max(estimate, attempt.level + 1), FIT_LEVELS - 1), attempt.wide)


def measure(document: Any, pages: int | None) -> Measure:
    """The ``data-block`` names of blocks past the allowed pages, the page area, or the footer's top."""
    overflow: list[str] = []
    excess = 0.0
    height = 0.0
    columns: dict[str, float] = {}
    for number, page in enumerate(document.pages):
        page_box = page._page_box
        top = page_box.margin_top
        bottom = page_box.margin_height() - page_box.margin_bottom
        right = page_box.margin_width() - page_box.margin_right
        sheet = _find(page_box, "fs-sheet")
        footer = _block(page_box, "footer")
        limit = footer.position_y - _gap(page_box) if footer is not None else bottom
        if sheet is not None and number == 0:
            height = limit - sheet.position_y
            columns = _column_excess(page_box, limit)
        spilled = pages is not None and number >= pages
        lowest_on_page = top
        for box in page_box.descendants():
            name = _block_name(box)
            if not name:
                continue
            lowest, rightmost = _extent(box)
            if name != "footer":
                lowest_on_page = max(lowest_on_page, lowest)
            floor = bottom if name == "footer" else limit
            if not spilled:
                excess = max(excess, lowest - floor)
            if name not in overflow and (spilled or lowest > floor + 0.5 or rightmost > right + 0.5):
                overflow.append(name)
        if spilled:  # a block broken over pages: what went onto this page comes on top of page one's excess
            excess += lowest_on_page - top
    if "footer" in overflow and len(overflow) > 1:
        overflow.remove("footer")  # pushed along by the blocks above it, not too long itself
    if pages is not None and len(document.pages) > pages and not overflow:
        overflow.append("page")
    return Measure(overflow, max(excess, 0.0), height, columns)


def _column_excess(page_box: Any, limit: float) -> dict[str, float]:
    """How far each column's last block reaches past the space the key figures leave it (< 0: room left)."""
    columns = _find(page_box, "fs-columns")
    if columns is None:
        return {}
    figures = _block(page_box, "key_figures")
    space_bottom = limit - (figures.margin_height() if figures is not None else 0)
    excess = {}
    for cell in _cells(columns):
        name = next((n for n in COLUMNS if f"fs-column--{n}" in cell.element.get("class", "").split()), None)
        if name:
            excess[name] = _content_bottom(cell) - space_bottom
    return excess


def _content_bottom(cell: Any) -> float:
    """Where a column's content ends, the last paragraph's margin included: the cell's height before the
    row stretched it (WeasyPrint adds the stretch to the padding of a top-aligned cell)."""
    return cell.content_box_y() + cell.height


@dataclass(frozen=True)
class Culprit:
    """The block to shorten on a sheet that does not fit: the tallest in its overfull column."""

    block: str
    excess: float  # CSS px its column reaches too far
    chars_per_px: float  # how much of its text one px of its height holds, to turn px into characters


def culprit(document: Any, result: Measure) -> Culprit | None:
    """The tallest block of the column that reaches furthest past its space, on the sheet's first page."""
    if not document.pages:
        return None
    page_box = document.pages[0]._page_box
    columns = _find(page_box, "fs-columns")
    if columns is None or not result.columns:
        return None
    full = max(result.columns, key=lambda name: result.columns[name])
    for cell in _cells(columns):
        if f"fs-column--{full}" not in cell.element.get("class", "").split():
            continue
        blocks = [box for box in cell.descendants() if _block_name(box)]
        if not blocks:
            return None
        tallest = max(blocks, key=lambda box: box.margin_height())
        text = sum(len(getattr(box, "text", "") or "") for box in tallest.descendants())
        excess = max(result.columns[full], result.excess)
        return Culprit(_block_name(tallest) or "", excess, text / max(tallest.margin_height(), 1))
    return None


def spread(document: Any) -> None:
    """Give each sheet's spare height to its blocks; the document's pages are then made anew from the boxes."""
    from weasyprint.document import Page

    for index, page in enumerate(document.pages):
        if _spread_page(page._page_box):
            document.pages[index] = Page(page._page_box)


def _spread_page(page_box: Any) -> bool:
    sheet, footer = _find(page_box, "fs-sheet"), _block(page_box, "footer")
    columns = _find(page_box, "fs-columns")
    if sheet is None or footer is None or columns is None:
        return False
    free = footer.position_y - _gap(page_box) - (sheet.position_y + sheet.margin_height())
    if free <= 0.5:
        return False
    figures = _block(page_box, "key_figures")
    if figures is not None:
        figures.translate(0, free)
    region_bottom = columns.position_y + columns.margin_height() + free
    moved = [figures] if figures is not None else []
    for column in _cells(columns):
        classes = column.element.get("class", "").split()
        blocks = [child for child in column.children if child.is_in_normal_flow()]
        if not blocks:
            continue
        spare = region_bottom - _content_bottom(column)
        if "fs-column--text" in classes:
            _widen_gaps(blocks, spare)
        else:
            _grow(blocks, spare)
        moved += blocks
    _refresh_backgrounds(page_box, moved)
    return True


def _widen_gaps(blocks: list[Any], spare: float) -> None:
    """Even gaps between the text blocks, each at most MAX_TEXT_GAP_MM wider."""
    if len(blocks) < 2 or spare <= 0:
        return
    step = min(spare / (len(blocks) - 1), MAX_TEXT_GAP_MM * PX_PER_MM)
    for index, block in enumerate(blocks):
        block.translate(0, step * index)


def _grow(blocks: list[Any], spare: float) -> None:
    """The boxes of the facts column taller by equal shares, so the last one ends on the region's bottom."""
    if spare <= 0:
        return
    share = spare / len(blocks)
    for index, block in enumerate(blocks):
        block.translate(0, share * index)
        block.height += share


def _refresh_backgrounds(page_box: Any, boxes: list[Any]) -> None:
    """Backgrounds are placed when a page is laid out: place those of the moved boxes again."""
    from weasyprint.layout.background import layout_box_backgrounds

    def no_images(**_: Any) -> None:  # print.css has no background images
        return None

    for box in boxes:
        layout_box_backgrounds(page_box, box, no_images)


def _gap(page_box: Any) -> float:
    """The sheet's gap between blocks (``--fs-gap``), read from the header's bottom margin."""
    header = _find(page_box, "fs-header")
    return header.margin_bottom if header is not None else 0.0


def _extent(box: Any) -> tuple[float, float]:
    """The lowest and rightmost edge of ``box`` and of what it shows of its content (``overflow`` clips)."""
    lowest = box.position_y + box.margin_height()
    rightmost = box.position_x + box.margin_width()
    if box.style["overflow"] == "visible":
        for child in getattr(box, "children", ()):
            if child.is_in_normal_flow() or child.is_absolutely_positioned():
                child_lowest, child_rightmost = _extent(child)
                lowest, rightmost = max(lowest, child_lowest), max(rightmost, child_rightmost)
    return lowest, rightmost


def _block_name(box: Any) -> str | None:
    element = getattr(box, "element", None)
    return element.get("data-block") if element is not None else None


def _elements(page_box: Any) -> Iterator[Any]:
    for box in page_box.descendants():
        if getattr(box, "element", None) is not None:
            yield box


def _find(page_box: Any, class_name: str) -> Any:
    """The outermost box of the first element with ``class_name``."""
    return next((box for box in _elements(page_box) if class_name in box.element.get("class", "").split()), None)


def _block(page_box: Any, name: str) -> Any:
    return next((box for box in _elements(page_box) if box.element.get("data-block") == name), None)


def _cells(columns: Any) -> Iterator[Any]:
    """The table cells (the columns) inside the ``.fs-columns`` table wrapper."""
    from weasyprint.formatting_structure.boxes import TableCellBox

    for box in columns.descendants():
        if isinstance(box, TableCellBox) and "fs-column" in box.element.get("class", "").split():
            yield box
