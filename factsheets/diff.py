"""``build.py diff BASE``: what the working tree changes in the portfolio, as Markdown for reviewers.

Cards are compared as data, not as text: a reviewer sees "budget.total_meur:
€ 2.250 miljoen → € 2.300 miljoen", not a YAML diff. Either side may be
invalid (that is what ``check`` is for); the diff still shows what changed.
"""

from __future__ import annotations

import difflib
import subprocess
from pathlib import Path
from typing import Any

import yaml

from .i18n import Language
from .load import load_yaml
from .problems import BuildError, InvalidInput
from .validate import load_portfolio_settings

LONG_TEXT = 80
"""Texts longer than this are shown as a word-level change, not in full."""


def portfolio_diff(root: Path, data_dir: Path, base: str) -> str:
    if not data_dir.resolve().is_relative_to(root.resolve()):
        raise BuildError(f"{data_dir} is not inside the repository, so git has no history of it")
    portfolio_settings = load_portfolio_settings(data_dir, root)
    languages = portfolio_settings.languages
    lang = Language(languages[0], portfolio_settings.labels)
    cards_path = data_dir.resolve().relative_to(root.resolve()).as_posix() + "/cards"
    before = _cards_at_revision(root, base, cards_path)
    after = _cards_in_tree(data_dir / "cards", root)
    return _report(base, before, after, languages, lang)


def _cards_at_revision(root: Path, base: str, cards_path: str) -> dict[str, Any]:
    _git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    listing = _git(root, "ls-tree", "--name-only", f"{base}:{cards_path}", missing_ok=True)
    cards: dict[str, Any] = {}
    for name in listing.splitlines():
        if name.endswith(".yml"):
            cards[name[:-4]] = _parse(_git(root, "show", f"{base}:{cards_path}/{name}"))
    return cards


def _cards_in_tree(cards_dir: Path, root: Path) -> dict[str, Any]:
    cards: dict[str, Any] = {}
    for path in sorted(cards_dir.glob("*.yml")):
        try:
            cards[path.stem] = load_yaml(path, root).data
        except InvalidInput:
            cards[path.stem] = None  # unreadable now: check reports why
    return cards


def _parse(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _git(root: Path, *args: str, missing_ok: bool = False) -> str:
    result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        if missing_ok:  # the revision exists (checked first) but has no cards folder yet
            return ""
        raise BuildError(f"git {' '.join(args)}: {result.stderr.strip() or 'failed'}")
    return result.stdout


def _report(base: str, before: dict[str, Any], after: dict[str, Any], languages: list[str], lang: Language) -> str:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = {
        card_id: rows
        for card_id in sorted(set(before) & set(after))
        if (rows := _changed_fields(before[card_id], after[card_id], lang))
    }
    missing = {card_id: gaps for card_id in sorted(after) if (gaps := _missing_translations(after[card_id], languages))}
    if not (added or removed or changed or missing):
        return f"No changes to the portfolio against `{base}`.\n"
    out = [f"## Portfolio changes against `{base}`", ""]
    if added:
        out += ["### Cards added", "", *(f"- `{card_id}`: {_title(after[card_id], lang)}" for card_id in added), ""]
    if removed:
        out += [
            "### Cards removed",
            "",
            *(f"- `{card_id}`: {_title(before[card_id], lang)}" for card_id in removed),
            "",
        ]
    for card_id, rows in changed.items():
        out += [f"### `{card_id}`: {_title(after[card_id], lang)}", "", "| field | before | after |", "|---|---|---|"]
        out += [f"| `{field}` | {_cell(old)} | {_cell(new)} |" for field, old, new in rows]
        out.append("")
    if missing:
        out += ["### Missing translations", ""]
        out += [f"- `{card_id}`: {', '.join(f'`{gap}`' for gap in gaps)}" for card_id, gaps in missing.items()]
        out.append("")
    return "\n".join(out)


def _title(card: Any, lang: Language) -> str:
    title = card.get("title") if isinstance(card, dict) else None
    return _cell(title.get(lang.code, "")) if isinstance(title, dict) else "(unreadable)"


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
    for field in sorted(set(old) | set(new)):
        if old.get(field) != new.get(field):
            rows.append((field, *_show_change(field, old.get(field), new.get(field), lang)))
    return rows


def _show_change(field: str, old: Any, new: Any, lang: Language) -> tuple[str, str]:
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > LONG_TEXT:
        return _word_change(old, new)
    return _show(field, old, lang), _show(field, new, lang)


def _show(field: str, value: Any, lang: Language) -> str:
    if value is None:
        return "(none)"
    if field.endswith("total_meur") and isinstance(value, int | float) and not isinstance(value, bool):
        return lang.money_meur(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return lang.number(value)
    return str(value)


def _word_change(old: str, new: str) -> tuple[str, str]:
    """The changed words with a few words of context: ~~removed~~ in before, **added** in after."""
    a, b = old.split(), new.split()
    before: list[str] = []
    after: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            context = a[i1:i2]
            shown = context if len(context) <= 6 else [*context[:3], "…", *context[-3:]]
            before += shown
            after += shown
        else:
            if i2 > i1:
                before.append("~~" + " ".join(a[i1:i2]) + "~~")
            if j2 > j1:
                after.append("**" + " ".join(b[j1:j2]) + "**")
    return " ".join(before), " ".join(after)


def _missing_translations(card: Any, languages: list[str]) -> list[str]:
    """Text fields (maps keyed by language) that lack a language or leave it empty."""
    gaps: list[str] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            if value and set(value) <= set(languages) and all(isinstance(v, str) for v in value.values()):
                gaps.extend(f"{path}.{code}" for code in languages if not str(value.get(code) or "").strip())
                return
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{path}[{index}]")

    walk(card, "")
    return gaps


def _cell(value: Any) -> str:
    """A value safe inside one Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ").strip()
