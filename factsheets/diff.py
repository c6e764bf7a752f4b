"""``build.py diff [BASE] [--out DIR]``: what the working tree changes in the portfolio, for reviewers.

Cards are compared as data, not as text: a reviewer sees "budget.total_meur:
€ 2.250 miljoen → € 2.300 miljoen", not a YAML diff. Either side may be
invalid (that is what ``check`` is for); the diff still shows what could be read.
With ``--out DIR`` the summary goes to ``DIR/summary.md`` beside a picture of
every printed sheet that changes, before and after, so that a reviewer sees the
print too.
"""

from __future__ import annotations

import difflib
import html
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .i18n import Language
from .load import Document, load_yaml, plain_data
from .messages import message
from .problems import BuildError, InvalidInput, Problem
from .validate import Portfolio, load_portfolio, load_portfolio_settings

LONG_TEXT = 80
"""Texts longer than this are shown as a word-level change, not in full."""

DEFAULT_BRANCHES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")
"""Where a diff without BASE looks for the branch the change will be merged into."""

PICTURE_DPI = 60
"""Sharp enough to see every block of an A4 sheet in a pull-request comment, small enough to load fast."""


@dataclass
class Comparison:
    """The change between two states of the portfolio's cards, ready to show a reviewer."""

    repo: Path
    base: str
    markdown: str
    warnings: list[Problem] = field(default_factory=list)
    """Lines to look at, such as a translation that did not follow its other language."""
    unreadable: list[str] = field(default_factory=list)
    """Card files of the working tree that cannot be read; ``check`` says why."""


def portfolio_diff(root: Path, data_dir: Path, base: str) -> str:
    """The change against ``base`` as Markdown."""
    return compare(root, data_dir, base).markdown


def repository_of(data_dir: Path) -> Path:
    """The git repository that holds ``data_dir``."""
    if not data_dir.is_dir():
        raise BuildError(message("diff.not_a_folder", folder=data_dir))
    return Path(_git(data_dir, "rev-parse", "--show-toplevel").strip())


def compare(root: Path, data_dir: Path, base: str | None) -> Comparison:
    """Compare the cards in ``data_dir`` with those at revision ``base`` of repository ``root``
    (default: the merge base with the default branch)."""
    if not data_dir.resolve().is_relative_to(root.resolve()):
        raise BuildError(message("diff.outside_repository", folder=data_dir))
    base = base or default_base(root)
    settings = load_portfolio_settings(data_dir, root)
    lang = Language(settings.languages[0], settings.labels)
    before = _cards_at_revision(root, base, _cards_path(root, data_dir))
    documents = _documents_in_tree(data_dir / "cards", root)
    after = {card_id: document.data if document else None for card_id, document in documents.items()}
    behind = list(_translations_behind(before, documents, settings.languages))
    markdown = _report(base, before, after, settings.languages, lang, behind)
    unreadable = [card_id for card_id, document in documents.items() if document is None]
    return Comparison(root, base, markdown, [problem for problem, _ in behind], unreadable)


def default_base(root: Path) -> str:
    """The merge base of HEAD and the default branch: what a pull request from HEAD would change."""
    for branch in DEFAULT_BRANCHES:
        if _git_ok(root, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}"):
            return _git(root, "merge-base", "HEAD", branch).strip()
    raise BuildError(message("diff.no_default_branch"))


def write_review(comparison: Comparison, root: Path, data_dir: Path, out: Path, preview_url: str = "") -> Path:
    """``out/summary.md`` with before and after pictures of every printed sheet that changes.

    Both sides are drawn with the templates under ``root``, so the pictures differ where the cards do.
    With ``preview_url`` (a pull request's published preview, with ``out`` copied into it), the
    summary links the preview and its pictures there, so that it reads the same in a comment.
    """
    out.mkdir(parents=True, exist_ok=True)
    link_base = f"{preview_url}{out.name}/" if preview_url else ""
    before = _portfolio_at_revision(comparison.repo, data_dir, comparison.base)
    after = _valid_or_none(lambda: load_portfolio(data_dir, comparison.repo))
    sections: list[str] = []
    with tempfile.TemporaryDirectory(prefix="factsheets-review-") as work:
        for code, title, pictures in _sheet_pictures(before, after, root, Path(work), out):
            cells = [_picture_cell(title, side, link_base, name) for side, name in pictures]
            sections += [
                f"#### {_text(title)} ({code})",
                "",
                f"| {message('diff.before')} | {message('diff.after')} |",
                "|---|---|",
                f"| {' | '.join(cells)} |",
                "",
            ]
    if before is None and after is not None:
        sections += [message("diff.no_before_pictures"), ""]
    sheets = [f"### {message('diff.sheets_that_change')}", "", *sections] if sections else []
    head = [message("diff.preview", url=preview_url), ""] if preview_url else []
    if after is None:
        head += [message("diff.after_fails_check"), ""]
    target = out / "summary.md"
    target.write_text("\n".join([*head, comparison.markdown.rstrip("\n"), "", *sheets]), encoding="utf-8")
    return target


def _picture_cell(title: str, side: str, link_base: str, name: str) -> str:
    if not name:
        return message("diff.new_sheet")
    return f"![{_text(title)}, {message('diff.' + side)}]({link_base}{name})"


# --- reading both sides ---------------------------------------------------------------------------


def _cards_path(root: Path, data_dir: Path) -> str:
    return data_dir.resolve().relative_to(root.resolve()).as_posix() + "/cards"


def _cards_at_revision(root: Path, base: str, cards_path: str) -> dict[str, Any]:
    if not _git_ok(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"):
        raise BuildError(message("diff.no_revision", base=base))
    if not _git_ok(root, "cat-file", "-e", f"{base}:{cards_path}"):
        return {}  # the revision has no cards folder yet
    cards: dict[str, Any] = {}
    for name in _git(root, "ls-tree", "--name-only", f"{base}:{cards_path}").splitlines():
        if name.endswith(".yml"):
            cards[name[:-4]] = plain_data(_git(root, "show", f"{base}:{cards_path}/{name}"))
    return cards


def _documents_in_tree(cards_dir: Path, root: Path) -> dict[str, Document | None]:
    documents: dict[str, Document | None] = {}
    for path in sorted(cards_dir.glob("*.yml")):
        try:
            documents[path.stem] = load_yaml(path, root)
        except InvalidInput:
            documents[path.stem] = None  # unreadable now: check reports why
    return documents


def _portfolio_at_revision(root: Path, data_dir: Path, base: str) -> Portfolio | None:
    """The validated portfolio as it was at ``base``, or None when it was not valid then."""
    data_path = data_dir.resolve().relative_to(root.resolve()).as_posix()
    with tempfile.TemporaryDirectory(prefix="factsheets-base-") as folder:
        archive = subprocess.run(["git", "archive", "--format=tar", base, data_path], cwd=root, capture_output=True)
        if archive.returncode != 0:
            return None
        subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
        return _valid_or_none(lambda: load_portfolio(Path(folder) / data_path, Path(folder)))


def _valid_or_none(load: Any) -> Portfolio | None:
    try:
        return load()
    except (InvalidInput, BuildError):
        return None


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        raise BuildError(message("diff.git_failed", command=" ".join(args), reason=result.stderr.strip() or "failed"))
    return result.stdout


def _git_ok(root: Path, *args: str) -> bool:
    return subprocess.run(["git", *args], cwd=root, capture_output=True).returncode == 0


# --- the summary ------------------------------------------------------------------------------------


def _report(
    base: str,
    before: dict[str, Any],
    after: dict[str, Any],
    languages: list[str],
    lang: Language,
    behind: list[tuple[Problem, str]],
) -> str:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = {
        card_id: rows
        for card_id in sorted(set(before) & set(after))
        if (rows := _changed_fields(before[card_id], after[card_id], lang))
    }
    knock_on = list(_flagship_totals_that_move(before, after, lang))
    missing = {card_id: gaps for card_id in sorted(after) if (gaps := _missing_translations(after[card_id], languages))}
    if not (added or removed or changed or missing):
        return message("diff.no_changes", base=_code(base)) + "\n"
    out = [f"## {message('diff.heading', base=_code(base))}", ""]
    if added:
        out += [
            f"### {message('diff.added')}",
            "",
            *(f"- {_code(card_id)}: {_title(after[card_id], lang)}" for card_id in added),
            "",
        ]
    if removed:
        out += [
            f"### {message('diff.removed')}",
            "",
            *(f"- {_code(card_id)}: {_title(before[card_id], lang)}" for card_id in removed),
            "",
        ]
    for card_id, rows in changed.items():
        out += [
            f"### {_code(card_id)}: {_title(after[card_id], lang)}",
            "",
            f"| {message('diff.field')} | {message('diff.before')} | {message('diff.after')} |",
            "|---|---|---|",
        ]
        out += [f"| {_code(name)} | {old} | {new} |" for name, old, new in rows]
        out.append("")
    if knock_on:
        out += [f"### {message('diff.knock_on')}", "", *knock_on, ""]
    if behind:
        out += [f"### {message('diff.translations_behind')}", ""]
        out += [f"- {_code(card_id)}: {_text(problem.message)}" for problem, card_id in behind]
        out.append("")
    if missing:
        out += [f"### {message('diff.missing_translations')}", ""]
        out += [f"- {_code(card_id)}: {', '.join(_code(gap) for gap in gaps)}" for card_id, gaps in missing.items()]
        out.append("")
    return "\n".join(out)


def _title(card: Any, lang: Language) -> str:
    title = card.get("title") if isinstance(card, dict) else None
    return _text(str(title.get(lang.code, ""))) if isinstance(title, dict) else message("diff.unreadable_title")


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(value, list):
        flat = {}
        for index, item in enumerate(value):
            flat.update(_flatten(item, f"{prefix}[{index}]"))
        return flat or {prefix: []}
    return {prefix: value}


def _changed_fields(before: Any, after: Any, lang: Language) -> list[tuple[str, str, str]]:
    old, new = _flatten(before or {}), _flatten(after or {})
    rows = []
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name):
            rows.append((name, *_show_change(name, old.get(name), new.get(name), lang)))
    return rows


def _show_change(name: str, old: Any, new: Any, lang: Language) -> tuple[str, str]:
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT:
        return _word_change(old, new)
    return _show(name, old, lang), _show(name, new, lang)


def _show(name: str, value: Any, lang: Language) -> str:
    """A value as the sheets show it: amounts as money; years, levels and ids exactly as written."""
    if value is None:
        return "(none)"
    if _is_number(value) and name.endswith("total_meur"):
        return lang.money_meur(value)
    if _is_number(value) and re.search(r"key_figures\[\d+\]\.value$", name):
        return lang.number(value)
    return _text(str(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _word_change(old: str, new: str) -> tuple[str, str]:
    """The changed words with a few words of context: ~~removed~~ in before, **added** in after."""
    a, b = old.split(), new.split()
    before: list[str] = []
    after: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            context = [_text(word) for word in a[i1:i2]]
            shown = context if len(context) <= 6 else [*context[:3], "…", *context[-3:]]
            before += shown
            after += shown
        else:
            if i2 > i1:
                before.append("~~" + _text(" ".join(a[i1:i2])) + "~~")
            if j2 > j1:
                after.append("**" + _text(" ".join(b[j1:j2])) + "**")
    return " ".join(before), " ".join(after)


def _flagship_totals_that_move(before: dict[str, Any], after: dict[str, Any], lang: Language) -> Iterator[str]:
    """A programme's sheet states its flagships' total: a flagship's change moves it too."""
    old, new = _flagship_totals(before), _flagship_totals(after)
    for programme in sorted(set(old) & set(new)):
        if old[programme] != new[programme]:
            label = lang.t("flagships_total")
            change = f"{lang.money_meur(old[programme])} → {lang.money_meur(new[programme])}"
            yield f"- {_code(programme)}: {_title(after[programme], lang)}: {_text(label)} {change}"


def _flagship_totals(cards: dict[str, Any]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for card_id, card in cards.items():
        if isinstance(card, dict) and card.get("kind") == "programme":
            flagships = [c for c in cards.values() if isinstance(c, dict) and c.get("parent") == card_id]
            totals[card_id] = sum(_budget(flagship) for flagship in flagships)
    return totals


def _budget(card: dict[str, Any]) -> float:
    budget = card.get("budget")
    total = budget.get("total_meur") if isinstance(budget, dict) else None
    return total if _is_number(total) else 0


def _missing_translations(card: Any, languages: list[str]) -> list[str]:
    """Text fields (maps keyed by language) that lack a language or leave it empty."""
    return [
        f"{dotted}.{code}"
        for dotted, _, text in _text_maps(card, languages)
        for code in languages
        if not str(text.get(code) or "").strip()
    ]


def _text_maps(
    value: Any, languages: list[str], path: tuple[Any, ...] = ()
) -> Iterator[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    if isinstance(value, dict):
        if value and set(value) <= set(languages) and all(isinstance(v, str) for v in value.values()):
            yield _dotted(path), path, value
            return
        for key, item in value.items():
            yield from _text_maps(item, languages, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _text_maps(item, languages, (*path, index))


def _dotted(path: tuple[Any, ...]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


def _translations_behind(
    before: dict[str, Any], documents: dict[str, Document | None], languages: list[str]
) -> Iterator[tuple[Problem, str]]:
    """A text changed in one language and not in another: the other may now say something else."""
    for card_id, document in documents.items():
        if document is None or not isinstance(before.get(card_id), dict):
            continue
        old_texts = {dotted: text for dotted, _, text in _text_maps(before[card_id], languages)}
        for dotted, key_path, text in _text_maps(document.data, languages):
            old = old_texts.get(dotted)
            if old is None:
                continue
            edited = [code for code in languages if old.get(code) != text.get(code)]
            for code in languages:
                if edited and code not in edited and text.get(code):
                    line, col = document.position((*key_path, code))
                    changed = ", ".join(f"{dotted}.{other}" for other in edited)
                    warning = message("diff.out_of_date", field=f"{dotted}.{code}", changed=changed)
                    yield Problem(document.file, line, col, f"{dotted}.{code}", warning), card_id


# --- pictures of the sheets -------------------------------------------------------------------------


def _sheet_pictures(
    before: Portfolio | None, after: Portfolio | None, root: Path, work: Path, out: Path
) -> Iterator[tuple[str, str, list[tuple[str, str]]]]:
    """(language, title, [(side, picture or "" for a new or gone sheet)]) for each sheet whose print changes."""
    from .render import Renderer

    old = _sheet_htmls(Renderer(before, root / "templates")) if before else {}
    new = _sheet_htmls(Renderer(after, root / "templates")) if after else {}
    for key in sorted(set(old) | set(new), key=lambda key: (key not in old, key)):
        if old.get(key, (None, ""))[1] == new.get(key, (None, ""))[1]:
            continue
        card_id, code = key
        pictures = []
        for side, sheets in (("before", old), ("after", new)):
            name = f"{card_id}.{code}.{side}.png" if key in sheets else ""
            if name:
                _picture(sheets[key][1], root, work / f"{card_id}.{code}.{side}.pdf", out / name)
            pictures.append((side, name))
        yield code, (new.get(key) or old[key])[0], pictures


def _sheet_htmls(renderer: Any) -> dict[tuple[str, str], tuple[str, str]]:
    portfolio = renderer.portfolio
    return {
        (card.id, code): (card.title[code], renderer.sheet_html(card, code))
        for card in portfolio.cards
        for code in portfolio.languages
    }


def _picture(sheet_html: str, root: Path, pdf: Path, png: Path) -> None:
    from .pdf import Job, render_pdf

    job = Job(sheet_html, pdf.name, 1, pdf.stem)
    pdf.write_bytes(render_pdf(job, str(root / "templates" / "print") + "/"))
    if shutil.which("pdftoppm") is None:
        raise BuildError(message("diff.no_pdftoppm"))
    prefix = png.with_suffix("")
    subprocess.run(["pdftoppm", "-png", "-r", str(PICTURE_DPI), "-singlefile", str(pdf), str(prefix)], check=True)


# --- Markdown that card text cannot break -------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~#!])")


def _text(value: str) -> str:
    """Card text as literal Markdown: no markup, no HTML, one line, safe in a table cell."""
    one_line = " ".join(value.split())
    return html.escape(_MARKDOWN_SPECIAL.sub(r"\\\1", one_line), quote=False)


def _code(value: str) -> str:
    """A code span that no backtick, pipe or line break in ``value`` can end early."""
    one_line = " ".join(str(value).split()).replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", one_line)), default=0) + 1)
    padding = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    return f"{fence}{padding}{one_line}{padding}{fence}"
