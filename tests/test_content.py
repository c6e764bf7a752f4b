"""factsheets.content: hand-written pages are untrusted files, read and checked like cards."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from portfolios import FIXTURE_DATA

from factsheets.problems import InvalidInput
from factsheets.render import Renderer, page_markdown, site_pages
from factsheets.validate import Portfolio, load_portfolio

ROOT = Path(__file__).resolve().parent.parent
PAGE = """\
---
title: Over deze website
description: Wie dit publiceert.
---

# Over

Tekst met een [link](https://example.org/) en [thuis](index.md).
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the fixture's data and an empty ``content/nl`` and ``content/en``."""
    shutil.copytree(FIXTURE_DATA, tmp_path / "data")
    for code in ("nl", "en"):
        (tmp_path / "content" / code).mkdir(parents=True)
    return tmp_path


def write(project: Path, name: str, text: str, code: str = "nl") -> Path:
    path = project / "content" / code / name
    path.write_text(text, encoding="utf-8")
    return path


def load(project: Path) -> Portfolio:
    return load_portfolio(project / "data", project)


def problems(project: Path) -> list[str]:
    with pytest.raises(InvalidInput) as raised:
        load(project)
    return [str(problem) for problem in raised.value.problems]


# --- what a page is --------------------------------------------------------------------------


def test_a_page_is_read_with_its_front_matter(project):
    write(project, "over.md", PAGE)
    [page] = load(project).pages
    assert (page.language, page.name, page.title, page.description) == ("nl", "over", "Over deze website",
                                                                        "Wie dit publiceert.")  # fmt: skip
    assert page.markdown.lstrip().startswith("# Over")


def test_a_page_without_front_matter_is_reported(project):
    write(project, "over.md", "# Over\n\nTekst.\n")
    assert problems(project) == [
        "content/nl/over.md:1:1: a page starts with front matter: a line ---, title: ..., and a line ---"
    ]


def test_front_matter_without_its_closing_line_is_reported(project):
    write(project, "over.md", "---\ntitle: Over\n\n# Over\n")
    assert problems(project) == ["content/nl/over.md:1:1: the front matter has no closing --- line"]


def test_an_unknown_front_matter_key_is_reported_at_its_line(project):
    write(project, "over.md", "---\ntitle: Over\ntemplate: 404.html\n---\nTekst\n")
    [problem] = problems(project)
    assert problem.startswith("content/nl/over.md:3:1: template: unknown field 'template'")


def test_front_matter_is_plain_yaml(project):
    write(project, "over.md", "---\ntitle: !!python/object:os.system x\n---\nTekst\n")
    [problem] = problems(project)
    assert problem.startswith("content/nl/over.md:2:8: YAML tags")


def test_a_title_with_a_control_character_or_bidi_override_is_refused(project):
    write(project, "over.md", '---\ntitle: "Over\\u202edeze"\n---\nTekst\n')
    [problem] = problems(project)
    assert problem.startswith("content/nl/over.md:2:8: title: contains a bidirectional override (U+202E)")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Over.md", "is not a valid page name"),
        ("over deze.md", "is not a valid page name"),
        ("<img src=x onerror=alert(1)>.md", "is not a valid page name"),
        ("index.md", "is a name the site uses itself"),
        ("projecten.md", "is a name the site uses itself"),
        ("en.md", "is a name the site uses itself"),
        ("over.txt", "only Markdown pages (<name>.md) belong in content/<language>/"),
    ],
)
def test_page_names_are_restricted_like_ids(project, name, message):
    write(project, name, PAGE)
    [problem] = problems(project)
    assert problem.startswith(f"content/nl/{name}:1:1: ") and message in problem


def test_a_folder_for_a_language_the_site_lacks_is_reported(project):
    (project / "content" / "de").mkdir()
    assert problems(project) == [
        "content/de:1:1: is not one of the site's languages (nl, en); pages go in content/<language>/"
    ]


# --- only regular files ----------------------------------------------------------------------


def test_a_symlinked_page_is_refused_and_its_target_never_read(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=ghp_secret\n")
    (project / "content" / "nl" / "over.md").symlink_to(secret)
    [problem] = problems(project)
    assert problem.startswith("content/nl/over.md:1:1: is a symbolic link") and "TOKEN" not in problem


def test_a_symlinked_language_folder_is_refused(project, tmp_path):
    (project / "content" / "en").rmdir()
    (project / "content" / "en").symlink_to(ROOT / "content" / "en")
    [problem] = problems(project)
    assert problem.startswith("content/en:1:1: is a symbolic link")


def test_a_folder_where_a_page_belongs_is_refused(project):
    (project / "content" / "nl" / "over.md").mkdir()
    assert problems(project) == ["content/nl/over.md:1:1: is a folder where a file belongs"]


def test_a_fifo_page_is_refused_without_hanging(project):
    os.mkfifo(project / "content" / "nl" / "over.md")
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.extend(problems(project)), daemon=True)
    reader.start()
    reader.join(timeout=20)
    assert not reader.is_alive(), "check hangs on a FIFO"
    assert found == ["content/nl/over.md:1:1: is a named pipe (FIFO), not a regular file"]


# --- links and Markdown ----------------------------------------------------------------------


def test_links_to_the_sites_pages_are_accepted(project):
    write(
        project,
        "nieuws.md",
        "---\ntitle: Nieuws\n---\nZie [over](over.md#wie), [atmp](projecten/atmp.md) en [top](#top).\n",
    )
    write(project, "over.md", PAGE)
    assert len(load(project).pages) == 2


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "nope.md", "/etc/passwd", "../../.git/config", "//evil.example/", "data:,x"]
)
def test_other_links_are_reported_at_their_line_and_column(project, link):
    write(project, "over.md", f"---\ntitle: Over\n---\n\nEerst tekst.\nZie [dit]({link}).\n")
    [problem] = problems(project)
    assert problem.startswith("content/nl/over.md:6:11: the link") and "is not allowed" in problem


def test_markdown_limits_apply_to_pages(project):
    write(project, "over.md", "---\ntitle: Over\n---\n" + "- " * 40 + "diep\n")
    [problem] = problems(project)
    assert problem.startswith("content/nl/over.md:4:1: lists and quotes are nested")


# --- what MkDocs receives --------------------------------------------------------------------


def rendered(project: Path, markdown: str) -> str:
    write(project, "over.md", "---\ntitle: Over\n---\n" + markdown)
    portfolio = load(project)
    [page] = portfolio.pages
    return page_markdown(page, site_pages(portfolio, "nl"))


def test_headings_stay_markdown_with_every_special_character_escaped(project):
    text = rendered(project, "## Kop <b>x</b> {: onclick=alert(1) } *nadruk*\n\nTekst\n")
    assert text.startswith("## Kop &lt;b&gt;x&lt;/b&gt; \\{: onclick=alert\\(1\\) \\} nadruk\n")  # words only


def test_everything_else_reaches_mkdocs_as_one_line_of_sanitised_html(project):
    text = rendered(project, "<script>alert(1)</script>\n\nTekst {: .x }\n\n    code\n\n    meer\n")
    [block] = text.strip().split("\n")
    assert block.startswith('<div class="fs-prose"><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>')
    assert "<p>Tekst {: .x }</p>" in block and "<pre><code>code&#10;&#10;meer&#10;</code></pre>" in block


def test_reference_links_work_across_headings(project):
    text = rendered(project, "Zie [thuis][t].\n\n## Kop\n\n[t]: index.md\n")
    assert '<a href="../" rel="noopener">thuis</a>' in text


def test_the_content_page_has_escaped_front_matter(project):
    write(project, "over.md", '---\ntitle: "Over</title><script>alert(1)</script>"\n---\nTekst\n')
    portfolio = load(project)
    page = Renderer(portfolio, ROOT / "templates").content_page(portfolio.pages[0])
    assert page.startswith("---\ntitle: Over&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;\n---\n")
