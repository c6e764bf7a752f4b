"""Property-based tests: check never raises an unhandled exception, and every valid card renders."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from portfolios import FIXTURE_DATA

from factsheets.problems import InvalidInput
from factsheets.render import Renderer
from factsheets.validate import load_portfolio

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BASE = yaml.safe_load((FIXTURE_DATA / "cards" / "infectieziekten.yml").read_text())


def check(
    files: dict[str, str | bytes], site: str | bytes | None = None, pages: dict[str, str | bytes] | None = None
) -> Any:
    """Validate the fixture's programme plus card ``files``, with ``site`` as site.yml and ``pages`` in
    content/nl/ when given; return the Portfolio or its problems."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        (data / "cards").mkdir(parents=True)
        (Path(tmp) / "content" / "nl").mkdir(parents=True)
        shutil.copy(FIXTURE_DATA / "site.yml", data / "site.yml")
        shutil.copy(FIXTURE_DATA / "cards" / "biotech-nexus.yml", data / "cards")
        if site is not None:
            (data / "site.yml").write_bytes(site if isinstance(site, bytes) else site.encode())
        for folder, contents in ((data / "cards", files), (Path(tmp) / "content" / "nl", pages or {})):
            for name, content in contents.items():
                (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())
        try:
            return load_portfolio(data, Path(tmp))
        except InvalidInput as invalid:
            assert invalid.problems, "InvalidInput without problems"
            for problem in invalid.problems:
                assert problem.line >= 1 and problem.col >= 1 and "\n" not in str(problem)
                assert not UNPRINTABLE.search(str(problem)), str(problem)
            return invalid.problems


UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_give_problems_not_exceptions(content):
    check({"infectieziekten.yml": content})


@SETTINGS
@given(st.text(max_size=400))
def test_any_text_gives_problems_not_exceptions(content):
    check({"infectieziekten.yml": content})


@SETTINGS
@given(st.data())
def test_a_mutated_real_card_gives_problems_not_exceptions(data):
    card = yaml.safe_load(yaml.safe_dump(BASE))
    target = data.draw(st.sampled_from(paths(card)[1:]))
    parent = card
    for key in target[:-1]:
        parent = parent[key]
    parent[target[-1]] = data.draw(values)
    check({"infectieziekten.yml": yaml.safe_dump(card, allow_unicode=True)})


texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200).filter(str.strip)


@st.composite
def valid_cards(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.integers(1990, 2100))
    trl_min = draw(st.integers(1, 9))
    capital, public = draw(st.integers(0, 100)), draw(st.integers(0, 100))
    text = {"nl": draw(texts), "en": draw(texts)}
    card = yaml.safe_load(yaml.safe_dump(BASE))
    card.update(
        title=text, summary={"nl": draw(texts), "en": draw(texts)},
        budget={"total_meur": draw(st.floats(0.01, 20_000))},  # within what the programme includes
        timeline={"start": start, "end": draw(st.integers(start, 2200))},
        shares={"capital": capital, "rnd": 100 - capital, "public": public, "private": 100 - public},
        readiness={"trl": {"min": trl_min, "max": draw(st.integers(trl_min, 9))},
                   "market": draw(st.sampled_from(["exploration", "partly_operational", "operational"]))},
        organisations=[{"name": draw(texts), "role": dict(text)}],
    )  # fmt: skip
    return card


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_cards())
def test_every_valid_card_renders_as_page_and_sheet(card):
    portfolio = check({"infectieziekten.yml": yaml.safe_dump(card, allow_unicode=True)})
    assert not isinstance(portfolio, list), portfolio
    renderer = Renderer(portfolio, ROOT / "templates")
    rendered = portfolio.card("infectieziekten")
    for code in portfolio.languages:
        page = renderer.card_page(rendered, code)
        sheet = renderer.sheet_html(rendered, code)
        assert page.startswith("---\n") and "<script" not in page.split("---", 2)[2].lower()
        assert sheet.count('class="fs-sheet"') == 1


# --- data/site.yml ------------------------------------------------------------------------------

SITE = yaml.safe_load((FIXTURE_DATA / "site.yml").read_text())
CARD = (FIXTURE_DATA / "cards" / "infectieziekten.yml").read_text()


@FEW
@given(st.binary(max_size=400))
def test_any_bytes_as_site_yml_give_problems_not_exceptions(content):
    check({"infectieziekten.yml": CARD}, site=content)


@FEW
@given(st.data())
def test_a_mutated_site_yml_gives_problems_not_exceptions(data):
    site = yaml.safe_load(yaml.safe_dump(SITE))
    target = data.draw(st.sampled_from(paths(site)[1:]))
    parent = site
    for key in target[:-1]:
        parent = parent[key]
    parent[target[-1]] = data.draw(values)
    check({"infectieziekten.yml": CARD}, site=yaml.safe_dump(site, allow_unicode=True))


any_text = st.text(max_size=120)


@FEW
@given(st.fixed_dictionaries({key: any_text for key in ("name", "tagline", "description")}), any_text)
def test_site_texts_reach_mkdocs_theme_safe(texts, label):
    from factsheets.publish import mkdocs_config

    site = yaml.safe_load(yaml.safe_dump(SITE))
    for key, text in texts.items():
        site[key] = {"nl": text, "en": text}
    site["labels"]["overview"] = {"nl": label, "en": label}
    portfolio = check({"infectieziekten.yml": CARD}, site=yaml.safe_dump(site, allow_unicode=True))
    if isinstance(portfolio, list):
        return
    config = mkdocs_config(portfolio, ROOT, Path("docs"), Path("site"))
    languages = config["plugins"][-1]["i18n"]["languages"]
    printed = [config["site_name"], config["site_description"]]
    printed += [text for language in languages for text in (language["site_name"], language["site_description"])]
    printed += [next(iter(language["nav"][0])) for language in languages]
    assert not [text for text in printed if set(text) & set('<>"')], printed


# --- content pages ------------------------------------------------------------------------------


@FEW
@given(st.binary(max_size=400))
def test_any_bytes_as_a_page_give_problems_not_exceptions(content):
    check({"infectieziekten.yml": CARD}, pages={"over.md": content})


@FEW
@given(st.text(max_size=40).filter(lambda name: name.strip("./") and "/" not in name and "\x00" not in name))
def test_any_page_name_gives_a_page_or_a_problem(name):
    result = check({"infectieziekten.yml": CARD}, pages={name: "---\ntitle: Over\n---\nTekst\n"})
    if not isinstance(result, list):
        assert all(page.name.isascii() and page.name.replace("-", "").isalnum() for page in result.pages)


markdown_pieces = st.sampled_from(
    ["# ", "## ", "- ", "1. ", "> ", "    ", "[", "]", "(", ")", "![", "<", ">", "&", "*", "_", "`", "{: ", "}",
     "\n", "\n\n", "index.md", "https://example.org/", "javascript:", "#x", "|", "---", "<script>", "x", " "]
)  # fmt: skip


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(markdown_pieces | st.text(max_size=10), max_size=60).map("".join))
def test_any_page_text_gives_a_safe_page_or_a_problem(body):
    result = check({"infectieziekten.yml": CARD}, pages={"over.md": f"---\ntitle: Over\n---\n{body}"})
    if isinstance(result, list):
        return
    page = Renderer(result, ROOT / "templates").content_page(result.pages[0])
    for line in page.split("---\n", 2)[2].splitlines():
        assert line.startswith(("#", '<div class="fs-prose">')) or not line.strip(), line
        if line.startswith("#"):
            assert "<" not in line and not re.search(r"(?<!\\)[{}\[\]()*_`]", line), line
    assert "<script" not in page.lower() and not re.search(r"href=\"(?!https?://|mailto:|\.\./|#)", page), page
