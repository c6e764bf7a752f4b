"""Assemble a booklet from already rendered PDFs, keeping it a tagged PDF.

Laying out a booklet of hundreds of sheets again costs as much as all the
sheets together and holds every page in memory. The sheets are already
rendered (and cached), so the booklet is put together from their pages. What
makes that more than a page copy is the tagging a screen reader relies on:
each part's structure tree becomes a section of one Document element, and the
numbers that tie page content and links to their structure elements
(StructParents, the ParentTree) are renumbered so that they stay unique.

The page numbers are stamped here too, not laid out with the sheets: a sheet
in the booklet is then the same cached PDF as the sheet on its own. Each
number is drawn in the middle of the footer line with the project's bold
font (its ten digits embedded), marked as a pagination artifact so that
screen readers skip it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

MM = 72 / 25.4
PAGE_NUMBER_BASELINE = 14 * MM
"""From the paper's bottom edge: on the sheets' footer line, 3 mm above the 11 mm margin (print.css)."""
PAGE_NUMBER_SIZE = 10  # pt, as the sheets' footer tagline
PAGE_NUMBER_COLOUR = "0.082 0.259 0.451"  # #154273, the sheets' blue
DIGITS = "0123456789"


@dataclass(frozen=True)
class DigitsFont:
    """The ten digits of the page numbers' font as the booklet embeds them: a TrueType subset, and its measures
    in thousandths of an em. Made once by ``digits_font`` and kept (pdf.py caches it beside the sheets)."""

    data: bytes
    name: str
    widths: dict[str, int]
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int


@dataclass(frozen=True)
class PageNumbers:
    """How the booklet's pages are numbered: with which digits, from which page on (the cover's first page has none)."""

    digits: DigitsFont
    first: int = 2


@dataclass(frozen=True)
class Part:
    """One rendered PDF and the title of its entry in the booklet's outline."""

    pdf: bytes
    title: str


def assemble(parts: list[Part], title: str, language: str, numbers: PageNumbers | None = None) -> bytes:
    """One tagged PDF with the pages of ``parts`` in order, each part a section of the structure tree,
    and its pages numbered when ``numbers`` says how."""
    booklet = pikepdf.new()
    document = booklet.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    parent_tree = Array()
    next_key = 0
    outline: list[OutlineItem] = []
    for part in parts:
        source = pikepdf.open(io.BytesIO(part.pdf))
        outline += _part_outline(source, part.title, len(booklet.pages))
        next_key = _append_part(booklet, source, document, parent_tree, next_key)
    root = booklet.make_indirect(
        Dictionary(
            Type=Name.StructTreeRoot,
            K=Array([document]),
            ParentTree=Dictionary(Nums=parent_tree),
            ParentTreeNextKey=next_key,
        )
    )
    document.P = root
    _describe(booklet, root, parts[0].pdf, title, language)
    with booklet.open_outline() as tree:
        tree.root.extend(outline)
    if numbers is not None:
        _number_pages(booklet, numbers)
    buffer = io.BytesIO()
    booklet.save(buffer, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _append_part(
    booklet: pikepdf.Pdf, source: pikepdf.Pdf, document: Dictionary, parent_tree: Array, offset: int
) -> int:
    """Copy ``source``'s pages and structure into ``booklet``; return the next free structure key."""
    first = len(booklet.pages)
    for page in source.pages:
        booklet.pages.append(page)
    # Copied after the pages, so that each element's /Pg is mapped to the copied page.
    tree = source.Root.StructTreeRoot
    for original in tree.K:
        element = booklet.copy_foreign(_indirect(source, original))
        element.S = Name.Sect  # one Document for the booklet, a section per part
        element.P = document
        document.K.append(element)
    highest = -1
    for key, value in _number_tree(tree.ParentTree):
        parent_tree.append(key + offset)
        parent_tree.append(booklet.copy_foreign(_indirect(source, value)))
        highest = max(highest, key)
    for page in booklet.pages[first:]:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + offset
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    return offset + highest + 1


def _part_outline(source: pikepdf.Pdf, title: str, first_page: int) -> list[OutlineItem]:
    """The part's own bookmarks (its headings), under one entry titled ``title``."""
    with source.open_outline() as tree:
        items = [_copy_item(source, item, first_page) for item in tree.root]
    if len(items) == 1 and items[0].title == title:
        return items
    wrapper = OutlineItem(title, first_page)
    wrapper.children.extend(items)
    return [wrapper]


def _copy_item(source: pikepdf.Pdf, item: OutlineItem, first_page: int) -> OutlineItem:
    copy = OutlineItem(item.title, first_page + _page_index(source, item.destination))
    copy.children.extend(_copy_item(source, child, first_page) for child in item.children)
    return copy


def _page_index(source: pikepdf.Pdf, destination: pikepdf.Object) -> int:
    """The page a bookmark points at; WeasyPrint's bookmarks use named destinations."""
    if isinstance(destination, pikepdf.String | str):
        destination = pikepdf.NameTree(source.Root.Names.Dests)[str(destination)]
    if isinstance(destination, pikepdf.Dictionary):
        destination = destination.D
    return source.pages.index(pikepdf.Page(destination[0]))


def _indirect(pdf: pikepdf.Pdf, value: pikepdf.Object) -> pikepdf.Object:
    """copy_foreign copies indirect objects only; a direct one is made indirect in its own file first."""
    return value if value.is_indirect else pdf.make_indirect(value)


def _number_tree(node: Dictionary) -> list[tuple[int, pikepdf.Object]]:
    """The (key, value) pairs of a PDF number tree, leaves and intermediate nodes alike."""
    pairs: list[tuple[int, pikepdf.Object]] = []
    nums = node.get("/Nums", Array())
    pairs += [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]
    for kid in node.get("/Kids", Array()):
        pairs += _number_tree(kid)
    return pairs


def _describe(booklet: pikepdf.Pdf, root: Dictionary, first_part: bytes, title: str, language: str) -> None:
    """Catalogue and metadata of a PDF/UA document: tagged, language, title shown as the window title."""
    booklet.Root.StructTreeRoot = root
    booklet.Root.MarkInfo = Dictionary(Marked=True)
    booklet.Root.Lang = pikepdf.String(language)
    booklet.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    template = pikepdf.open(io.BytesIO(first_part))
    booklet.Root.Metadata = booklet.copy_foreign(template.Root.Metadata)
    with booklet.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as metadata:
        metadata["dc:title"] = title
    booklet.docinfo.Title = title
    booklet.docinfo.Producer = template.docinfo.get("/Producer", "")


def _number_pages(booklet: pikepdf.Pdf, numbers: PageNumbers) -> None:
    font, widths = _embedded(booklet, numbers.digits), numbers.digits.widths
    for index, page in enumerate(booklet.pages):
        number = str(index + 1)
        if index + 1 < numbers.first:
            continue
        name = _free_font_name(page)
        page.add_resource(font, Name.Font, name=name)
        width = sum(widths[digit] for digit in number) * PAGE_NUMBER_SIZE / 1000
        x = (float(page.mediabox[2]) - width) / 2
        # The page's own drawing is wrapped in q/Q, so that whatever state it leaves does not move the number.
        page.contents_add(booklet.make_stream(b"q\n"), prepend=True)
        stamp = (
            f"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\n"
            f"BT\n{name} {PAGE_NUMBER_SIZE} Tf\n{PAGE_NUMBER_COLOUR} rg\n"
            f"{x:.2f} {PAGE_NUMBER_BASELINE:.2f} Td\n({number}) Tj\nET\nEMC\n"
        )
        page.contents_add(booklet.make_stream(stamp.encode("ascii")))


def _free_font_name(page: pikepdf.Page) -> Name:
    """A font name the page does not use yet; chosen, not random, so the same booklet gets the same bytes."""
    used = set(page.obj.get("/Resources", Dictionary()).get("/Font", Dictionary()).keys())
    return next(Name(f"/PageNumber{n}") for n in range(len(used) + 1) if f"/PageNumber{n}" not in used)


def digits_font(path: Path) -> DigitsFont:
    """The ten digits of the font in ``path`` (TrueType outlines, in a .ttf or .woff file), subset by fontTools."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(path, recalcTimestamp=False)
    options = subset.Options()
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=DIGITS)
    subsetter.subset(font)
    font.flavor = None  # a plain TrueType file, as PDF embeds it, not the web's woff
    data = io.BytesIO()
    font.save(data)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    head, hhea = font["head"], font["hhea"]
    return DigitsFont(
        data=data.getvalue(),
        name=font["name"].getDebugName(6),
        widths={digit: round(font["hmtx"][cmap[ord(digit)]][0] * scale) for digit in DIGITS},
        bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),  # type: ignore[arg-type]
        ascent=round(hhea.ascent * scale),
        descent=round(hhea.descent * scale),
        cap_height=round(font["OS/2"].sCapHeight * scale),
    )


def _embedded(booklet: pikepdf.Pdf, digits: DigitsFont) -> pikepdf.Object:
    """The digits as a simple TrueType font of the booklet."""
    base_font = Name("/PNUMBR+" + digits.name)
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=base_font,
        Flags=32,  # nonsymbolic: the digits are in the standard Latin character set
        FontBBox=Array(list(digits.bbox)),
        ItalicAngle=0,
        Ascent=digits.ascent,
        Descent=digits.descent,
        CapHeight=digits.cap_height,
        StemV=120,
        FontFile2=booklet.make_stream(digits.data, Length1=len(digits.data)),
    )
    dictionary = Dictionary(
        Type=Name.Font,
        Subtype=Name.TrueType,
        BaseFont=base_font,
        FirstChar=ord(DIGITS[0]),
        LastChar=ord(DIGITS[-1]),
        Widths=Array([digits.widths[digit] for digit in DIGITS]),
        FontDescriptor=booklet.make_indirect(descriptor),
        Encoding=Name.WinAnsiEncoding,
    )
    return booklet.make_indirect(dictionary)
