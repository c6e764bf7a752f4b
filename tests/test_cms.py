"""The form editor at /admin/: its configuration follows the model, it writes cards the project's way,
and in real Chromium it edits a card of a local repository with nothing but the fields changed."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, get_args, get_origin
from urllib.parse import urlsplit

import axe_playwright_python
import pytest
import yaml
from conftest import CHROMIUM, CHROMIUM_ARGS, serving
from playwright.sync_api import Locator, Page, Route
from portfolios import FIXTURE_DATA, make_project
from pydantic import BaseModel

from factsheets.cardfile import CARD_FIELDS, card_yaml
from factsheets.cms import INTERFACE_LANGUAGES, MARKDOWN, SIDE_BY_SIDE, cms_config, cms_config_yaml, config_file_name
from factsheets.model import Card, plain_type
from factsheets.validate import _name_key

ROOT = Path(__file__).resolve().parent.parent
ADMIN = ROOT / "templates" / "admin"
NODE_MODULES = ROOT / "node_modules"
LANGUAGES = ["nl", "en"]


def site_languages() -> list[str]:
    return yaml.safe_load((ROOT / "data" / "site.yml").read_text(encoding="utf-8"))["languages"]


def backend() -> dict[str, Any]:
    return yaml.safe_load((ADMIN / "backend.yml").read_text(encoding="utf-8"))


# --- the configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize("interface", INTERFACE_LANGUAGES)
def test_the_committed_config_is_up_to_date(interface):
    committed = (ADMIN / config_file_name(interface)).read_text(encoding="utf-8")
    assert committed == cms_config_yaml(site_languages(), backend(), interface), (
        f"templates/admin/{config_file_name(interface)} is out of date with the model, backend.yml or site.yml: "
        "run `make schema`"
    )


def model_paths(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every field of the model as a dotted path (list items without an index), text languages included."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path
        annotation = plain_type(info.annotation)
        item = plain_type(get_args(annotation)[0]) if get_origin(annotation) is list else annotation
        if isinstance(item, type) and issubclass(item, BaseModel):
            yield from model_paths(item, f"{path}.")
        elif get_origin(annotation) is dict:
            yield from (f"{path}.{code}" for code in LANGUAGES)


def config_fields(fields: list[dict[str, Any]], prefix: str = "") -> dict[str, dict[str, Any]]:
    found = {}
    for field in fields:
        path = f"{prefix}{field['name']}"
        found[path] = field
        found.update(config_fields(field.get("fields", []), f"{path}."))
    return found


def missing_fields(config: dict[str, Any]) -> list[str]:
    present = config_fields(config["collections"][0]["fields"])
    return [path for path in model_paths(Card) if path not in present]


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return cms_config(LANGUAGES, backend())


@pytest.fixture(scope="module")
def fields(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return config_fields(config["collections"][0]["fields"])


def test_every_model_field_has_a_form_field(config):
    assert len(list(model_paths(Card))) > 60
    assert missing_fields(config) == []


def test_a_field_left_out_of_the_form_is_noticed(config):
    broken = json.loads(json.dumps(config))
    budget = next(field for field in broken["collections"][0]["fields"] if field["name"] == "budget")
    budget["fields"] = [field for field in budget["fields"] if field["name"] != "includes_flagships"]
    assert missing_fields(broken) == ["budget.includes_flagships"]


def test_every_field_has_a_dutch_label_and_every_named_field_a_hint(fields):
    for path, field in fields.items():
        assert field["label"], path
        if not path.endswith((".nl", ".en")) and not path.startswith("preconditions."):
            assert field["hint"], path


WORDS = {"label", "label_singular", "hint", "description", "locale"}
"""What an editor reads in the form, which the interface languages say in their own words."""
SHOWN = {"summary", "sortable_fields", "search_fields", "display_fields"}
"""Which text language lists and relations show: the interface's."""


def without_words(value: Any) -> Any:
    """A configuration without what an editor reads: labels, hints, the patterns' messages, the language shown."""
    if isinstance(value, dict):
        kept = {key: without_words(item) for key, item in value.items() if key not in WORDS | SHOWN}
        if "pattern" in kept:
            kept["pattern"] = kept["pattern"][0]
        return kept
    if isinstance(value, list):
        return [without_words(item) for item in value]
    return value


def test_the_english_form_is_the_dutch_form_in_other_words(config):
    english = cms_config(LANGUAGES, backend(), "en")
    assert english["locale"] == "en" and config["locale"] == "nl"
    assert without_words(english) == without_words(config)
    dutch_fields, english_fields = (
        config_fields(config["collections"][0]["fields"]),
        config_fields(english["collections"][0]["fields"]),
    )
    assert (dutch_fields["budget.total_meur"]["label"], english_fields["budget.total_meur"]["label"]) == (
        "Totaal in miljoen euro",
        "Total in million euros",
    )
    assert (dutch_fields["title.en"]["label"], english_fields["title.en"]["label"]) == ("Engels", "English")
    for path, field in english_fields.items():
        assert field["label"], path
        if "hint" in field:
            assert field["hint"] != dutch_fields[path]["hint"], path


def test_choices_are_the_models_values(fields):
    for path, field in fields.items():
        if field.get("widget") != "select":
            continue
        model_field = resolve(path)
        assert [option["value"] for option in field["options"]] == list(get_args(plain_type(model_field))), path
    assert fields["kind"]["widget"] == fields["readiness.market"]["widget"] == "select"
    assert fields["preconditions.permits"]["required"] is False  # left empty = not assessed


def resolve(path: str) -> Any:
    model: Any = Card
    annotation: Any = None
    for part in path.split("."):
        annotation = plain_type(model.model_fields[part].annotation)
        model = plain_type(get_args(annotation)[0]) if get_origin(annotation) is list else annotation
    return annotation if get_origin(annotation) is Literal else model


def test_numbers_carry_the_models_bounds(fields):
    assert (fields["shares.capital"]["min"], fields["shares.capital"]["max"]) == (0, 100)
    assert (fields["readiness.trl.min"]["min"], fields["readiness.trl.min"]["max"]) == (1, 9)
    assert (fields["timeline.start"]["value_type"], fields["budget.total_meur"]["value_type"]) == ("int", "float")
    total = fields["budget.total_meur"]
    assert total["min"] == 0 and total["pattern"][0] == "^(?!0$)"  # greater than 0, not 0 itself
    assert fields["key_figures"]["max"] == 20
    assert fields["id"]["pattern"][0] == Card.model_json_schema()["properties"]["id"]["pattern"]


def test_texts_are_one_field_per_language_and_markdown_where_the_format_says(fields):
    for name in ("title", "summary", "organisations.role", "key_figures.label"):
        assert [sub["name"] for sub in fields[name]["fields"]] == LANGUAGES, name
    for name in MARKDOWN:
        assert {fields[f"{name}.{code}"]["widget"] for code in LANGUAGES} == {"markdown"}
    assert fields["title.en"]["widget"] == "string"
    assert fields["organisations.role.nl"]["required"] is False  # an optional text is optional in each language
    texts = [path for path in model_paths(Card) if path.endswith(".en")]
    assert {fields[path.removesuffix(".en")]["widget"] for path in texts} == {SIDE_BY_SIDE}
    assert f'registerWidget("{SIDE_BY_SIDE}"' in (ADMIN / "cms.js").read_text(encoding="utf-8")


def test_parent_is_a_programme_and_domains_come_from_existing_cards(fields):
    parent = fields["parent"]
    assert parent["widget"] == "relation" and parent["value_field"] == "id"
    assert parent["filters"] == [{"field": "kind", "values": ["programme"]}]
    for name in ("domain", "subdomain"):
        for code in LANGUAGES:
            choice = fields[f"{name}.{code}"]
            assert (choice["widget"], choice["collection"], choice["value_field"]) == (
                "existing-or-new",
                "cards",
                f"{name}.{code}",
            )
    assert 'registerWidget("existing-or-new"' in (ADMIN / "cms.js").read_text(encoding="utf-8")


NAMES = [
    "Life sciences en Biotech",
    "life  sciences en biotech",
    " Life Sciences en Biotech ",
    "Life sciénces en Biotech",
    "Life sciences\ten Biotech",
    "Énergie",
    "energie",
    "ENERGIE",
    "Sleuteltechnologieën",
    "sleuteltechnologieen",
    "Ĳzer en staal",
    "Straße",
    "Digitale infrastructuur",
    "Digitale-infrastructuur",
]


def test_the_form_compares_names_as_check_does():
    """names.js (the form's test for a misspelt domain) and check's rule agree on every name, under Node."""
    script = """
        const { nameKey } = require(process.argv[1]);
        const names = JSON.parse(require("fs").readFileSync(0, "utf8"));
        process.stdout.write(JSON.stringify(names.map(nameKey)));
    """
    result = subprocess.run(
        ["node", "-e", script, str(ADMIN / "names.js")],
        input=json.dumps(NAMES),
        capture_output=True,
        text=True,
        check=True,
    )
    keys = json.loads(result.stdout)
    assert keys == [_name_key(name) for name in NAMES]
    assert len(set(keys)) == 7  # the variants fall together, the others do not


def test_the_collection_writes_data_cards_in_the_registered_format(config):
    collection = config["collections"][0]
    assert (collection["folder"], collection["extension"], collection["format"]) == ("data/cards", "yml", "card-yaml")
    assert 'registerCustomFormat("card-yaml"' in (ADMIN / "cms.js").read_text(encoding="utf-8")
    assert config["publish_mode"] == "editorial_workflow"


# --- the card file's one way of writing ---------------------------------------------------------------

AWKWARD_TEXTS = [
    "plain words",
    "no",
    "Yes",
    "null",
    "2026",
    "a: b",
    "title #1",
    " leading space",
    "trailing space ",
    "-dash",
    "[bracket]",
    "{brace}",
    "*star",
    "&amp",
    "!bang",
    "%percent",
    "@at",
    "`tick",
    "'single'",
    '"double"',
    "back\\slash",
    "tab\there",
    "one line\n",
    "two\nlines",
    "two\nlines\n",
    "para\n\npara\n",
    "ends in two\n\n",
    "\nleading newline",
    "  indented\nblock\n",
    "line\n   \nwith blank spaces",
    "- list\n- items\n",
    "crlf\r\nline",
    "bell\x07",
    "separator\u2028here",
    "ümlaut and € and 中文",
    "",
]


def awkward_card() -> dict[str, Any]:
    card = yaml.safe_load((FIXTURE_DATA / "cards" / "atmp.yml").read_text(encoding="utf-8"))
    card["key_figures"] = [{"value": 1.5, "unit": "count", "label": {"nl": text, "en": text}} for text in AWKWARD_TEXTS]
    card["order"] = None  # left out, as the form leaves out an emptied field
    return card


def test_every_awkward_text_reads_back_as_written():
    card = awkward_card()
    read_back = yaml.safe_load(card_yaml(card))
    written = [figure["label"].get("nl", "") for figure in read_back["key_figures"]]
    assert written == AWKWARD_TEXTS
    assert "order" not in read_back


def node_card_yaml(cards: list[dict[str, Any]]) -> list[str]:
    """The cards as the form editor's own writer (card-yaml.js) writes them, run under Node."""
    script = """
        const { cardYaml } = require(process.argv[1]);
        const [order, cards] = JSON.parse(require("fs").readFileSync(0, "utf8"));
        process.stdout.write(JSON.stringify(cards.map((card) => cardYaml(card, order))));
    """
    result = subprocess.run(
        ["node", "-e", script, str(ADMIN / "card-yaml.js")],
        input=json.dumps([CARD_FIELDS, cards]),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def every_fixture_card() -> list[dict[str, Any]]:
    paths = sorted((ROOT / "tests" / "fixtures").rglob("cards/*.yml"))
    cards = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in paths]
    return [card for card in cards if isinstance(card, dict)]


def test_the_form_editor_and_the_formatter_write_the_same_text():
    cards = [awkward_card(), *every_fixture_card()]
    assert len(cards) > 10
    assert node_card_yaml(cards) == [card_yaml(card) for card in cards]


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "build.py", *args, "--data", str(project / "data")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_warns_of_a_card_written_otherwise_and_tidy_rewrites_it(tmp_path):
    data = Path(shutil.copytree(FIXTURE_DATA, tmp_path / "data"))
    card = data / "cards" / "atmp.yml"
    before = yaml.safe_load(card.read_text(encoding="utf-8"))
    written = card.read_text(encoding="utf-8")
    flow = written.replace("timeline:\n  start: 2025\n  end: 2035", "timeline: {start: 2025, end: 2035}")
    assert flow != written
    card.write_text(flow, encoding="utf-8")
    checked = run(tmp_path, "check", "--lang", "en")
    assert checked.returncode == 0 and "Traceback" not in checked.stderr  # a warning: the card itself is valid
    line = flow[: flow.index("timeline:")].count("\n") + 1
    assert f"atmp.yml:{line}:1: not written the way the form editor writes cards" in checked.stderr
    formatted = run(tmp_path, "tidy")
    assert formatted.returncode == 0 and "atmp.yml" in formatted.stdout
    assert run(tmp_path, "check").returncode == 0
    assert yaml.safe_load(card.read_text(encoding="utf-8")) == before


# --- in Chromium ------------------------------------------------------------------------------------------

SITE_HOST = "portfolio.test"
"""The site's name in the public browser: not localhost, so the CMS behaves as on the public site."""
DECAP_SERVER = NODE_MODULES / "decap-server" / "dist" / "index.js"
LOCAL_PROXY = "http://localhost:8081/api/v1"
"""Where the CMS looks for its local repository server (decap-server's default port)."""
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture portfolio as a project in a git repository of its own, committed."""
    project = make_project(tmp_path_factory.mktemp("cms") / "project")
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "the fixture portfolio"], cwd=project, check=True)
    return project


@pytest.fixture(scope="module")
def site(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from factsheets.publish import build_site
    from factsheets.validate import load_portfolio

    out = tmp_path_factory.mktemp("cms-site") / "site"
    build_site(load_portfolio(project / "data", project), project, out, tmp_path_factory.mktemp("cms-cache"))
    return out


@pytest.fixture(scope="module")
def site_port(site: Path) -> Iterator[int]:
    with serving(site) as url:
        yield urlsplit(url).port


@pytest.fixture(scope="module")
def public_browser(browser: Any, site_port: int) -> Iterator[Any]:
    """A second Chromium (from the session's Playwright) that reaches the site as ``portfolio.test``."""
    args = [
        *CHROMIUM_ARGS,
        f"--host-resolver-rules=MAP {SITE_HOST} 127.0.0.1",
        # The public site is served over HTTPS, where the CMS finds the secure-context APIs it needs.
        f"--unsafely-treat-insecure-origin-as-secure=http://{SITE_HOST}:{site_port}",
    ]
    chromium = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    yield chromium
    chromium.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def local_repository(project: Path, tmp_path: Path) -> Iterator[int]:
    """decap-server (pinned in package-lock.json) serving the project's working tree; its port."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "GIT_REPO_DIRECTORY": str(project)}
    log = tmp_path / "decap-server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(["node", str(DECAP_SERVER)], env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "listening on" not in log.read_text(encoding="utf-8", errors="replace"):
            assert server.poll() is None, f"decap-server exited: {log.read_text(errors='replace')}"
            assert time.monotonic() < deadline, "decap-server did not start"
            time.sleep(0.2)
        yield port
        assert server.poll() is None, f"decap-server exited during the test: {log.read_text(errors='replace')}"
    finally:
        server.terminate()
        server.wait(timeout=10)


class Recorder:
    """Every request and every console error of a page."""

    def __init__(self, page: Page) -> None:
        self.urls: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.urls.append(request.url))
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))


def open_admin(
    browser: Any, url: str, viewport: dict[str, int], proxy_port: int | None = None
) -> tuple[Page, Recorder]:
    context = browser.new_context(viewport=viewport, locale="nl-NL")
    page = context.new_page()
    recorder = Recorder(page)
    if proxy_port:
        # The shipped configuration names decap-server's default port; this test's server listens on a free one.
        def forward(route: Route) -> None:
            target = route.request.url.replace("http://localhost:8081", f"http://127.0.0.1:{proxy_port}")
            route.fulfill(response=route.fetch(url=target))

        page.route(f"{urlsplit(LOCAL_PROXY)._replace(path='').geturl()}/**", forward)
    page.goto(url)
    return page, recorder


AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
RUN_AXE = """async () => (await axe.run(document, {runOnly: {type: 'tag', values: %s}})).violations
  .map(v => v.id + ': ' + v.nodes.map(node => node.target.join(' ')).join(', '))"""
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(content=AXE_JS)
    return page.evaluate(RUN_AXE % json.dumps(WCAG_TAGS))


@pytest.mark.browser
def test_admin_is_accessible_while_loading_and_at_sign_in(browser, site_port):
    held: list[Route] = []
    page, _ = open_admin_held(browser, f"http://127.0.0.1:{site_port}/admin/", held)
    page.locator("[class*=-LoaderText]").wait_for()
    assert axe_violations(page) == []
    held[0].continue_()
    page.get_by_role("button", name="Inloggen met GitHub").wait_for()
    assert axe_violations(page) == []
    page.context.close()


def open_admin_held(browser: Any, url: str, held: list[Route]) -> tuple[Page, Recorder]:
    """The admin page with its configuration held back (the loading screen stays) until ``held[0]`` continues."""
    context = browser.new_context(viewport=DESKTOP, locale="nl-NL")
    page = context.new_page()
    page.route("**/admin/config.yml", lambda route: held.append(route))
    recorder = Recorder(page)
    page.goto(url)
    return page, recorder


@pytest.mark.browser
@pytest.mark.parametrize(
    ("folder", "sign_in", "other"),
    [
        ("admin/", "Inloggen met GitHub", ("English", "/en/admin/")),
        ("en/admin/", "Login with GitHub", ("Nederlands", "/admin/")),
    ],
    ids=["dutch", "english"],
)
def test_admin_loads_its_configuration_without_errors_and_nothing_from_third_parties(
    public_browser, site_port, folder, sign_in, other
):
    """The form in each interface language (the site's side in that language), and the link to the other."""
    origin = f"http://{SITE_HOST}:{site_port}"
    page, recorder = open_admin(public_browser, f"{origin}/{folder}", DESKTOP)
    page.get_by_role("button", name=sign_in).wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert recorder.errors == []
    assert f"{origin}/{folder}config.yml" in recorder.urls
    assert [url for url in recorder.urls if not url.startswith(origin + "/")] == []
    switch = page.get_by_role("link", name=other[0], exact=True)
    assert urlsplit(switch.evaluate("link => link.href")).path == other[1]
    page.context.close()


def save_changes(page: Page) -> None:
    page.get_by_role("button", name="Publiceer").click()
    page.get_by_role("menuitem", name="Publiceer nu").click()


def wait_for_diff(project: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        diff = subprocess.run(["git", "diff", "-U0"], cwd=project, capture_output=True, text=True, check=True).stdout
        if diff:
            return diff
        time.sleep(0.2)
    raise AssertionError("the form's save did not reach the working tree")


def field_lines(text: str, group: str, name: str) -> list[str]:
    """The lines of ``group.name`` in a card file written the project's way (its key line and its block)."""
    lines = text.splitlines()
    start = lines.index(f"{group}:")
    at = next(at for at in range(start + 1, len(lines)) if lines[at].startswith(f"  {name}:"))
    end = next((end for end in range(at + 1, len(lines)) if not lines[end].startswith("    ")), len(lines))
    return lines[at:end]


def changed_lines(diff: str) -> tuple[list[str], list[str]]:
    lines = [line for line in diff.splitlines() if not line.startswith(("---", "+++"))]
    return [line[1:] for line in lines if line.startswith("-")], [line[1:] for line in lines if line.startswith("+")]


@pytest.mark.browser
def test_editing_a_card_in_the_form_changes_exactly_those_fields(
    browser, site_port, project, local_repository, tmp_path
):
    card = project / "data" / "cards" / "atmp.yml"
    original = card.read_text(encoding="utf-8")
    before = yaml.safe_load(original)
    new_total, new_summary = before["budget"]["total_meur"] + 150, "A new English summary for the ATMP flagship."
    try:
        page, recorder = open_admin(browser, f"http://localhost:{site_port}/admin/", DESKTOP, local_repository)
        page.get_by_role("button", name="Inloggen").click()
        page.goto(f"http://localhost:{site_port}/admin/#/collections/cards/entries/atmp")
        page.get_by_label("Totaal in miljoen euro").fill(str(new_total))
        summary = page.locator("label", has_text="Samenvatting").locator(
            "xpath=ancestor::div[.//*[@data-slate-editor]][1]"
        )
        summary.locator("[data-slate-editor]").nth(LANGUAGES.index("en")).click()
        page.keyboard.press("Control+A")
        page.keyboard.type(new_summary)
        save_changes(page)
        diff = wait_for_diff(project)
        page.get_by_text("Wijzigingen opgeslagen").wait_for()
        assert recorder.errors == []
        page.context.close()

        checked = run(project, "check")
        assert checked.returncode == 0, checked.stderr
        after = yaml.safe_load(card.read_text(encoding="utf-8"))
        assert after["budget"]["total_meur"] == new_total and after["summary"]["en"].strip() == new_summary
        before["budget"]["total_meur"], before["summary"]["en"] = new_total, after["summary"]["en"]
        assert after == before
        edited = card.read_text(encoding="utf-8")
        removed, added = changed_lines(diff)
        assert removed == field_lines(original, "summary", "en") + field_lines(original, "budget", "total_meur")
        assert added == field_lines(edited, "summary", "en") + field_lines(edited, "budget", "total_meur")
        assert subprocess.run(["git", "diff", "--name-only"], cwd=project, capture_output=True, text=True).stdout == (
            "data/cards/atmp.yml\n"
        )
    finally:
        card.write_text(original, encoding="utf-8")


def preview_frame(page: Page) -> Any:
    frame = page.frame_locator("iframe").first
    frame.locator(".fs-header__heading").wait_for()
    return frame


def choose_a_new_domain(page: Page, recorder: Recorder, project: Path, picture: Path) -> None:
    """The domain is one of the existing ones, or a new one typed on purpose; a variant of an existing one
    (capitals, spaces, accents) is named at once and refused on saving, as check refuses it."""
    choice = page.get_by_label("Nederlands").first
    existing = choice.input_value()
    options = choice.locator("option").all_inner_texts()
    assert existing in options and options[-1] == "Een nieuwe naam typen…"
    choice.select_option(label="Een nieuwe naam typen…")
    page.get_by_label("Nieuwe naam").fill(f"  {existing.upper()} ")
    note = page.locator(".fs-choice-new__note")
    assert note.inner_text().startswith(f"'{existing}' bestaat al")
    choice.scroll_into_view_if_needed()
    page.screenshot(path=picture)
    before = len(recorder.errors)
    # Decap refuses a save with a field's error by a promise rejected without a reason (persistEntry in its
    # actions/entries.ts), which Chromium reports as an uncaught "undefined": that one, and no other.
    with page.expect_event("pageerror") as refusal:
        save_changes(page)
    page.locator("[class*=-ControlErrorsList]", has_text=f"'{existing}' bestaat al").wait_for()
    assert str(refusal.value) == "undefined" and recorder.errors[before:] == ["undefined"]
    del recorder.errors[before:]
    page.get_by_label("Nieuwe naam").fill("Een heel nieuw domein")
    assert note.inner_text().startswith("Nieuw: wordt een eigen groep op de site")
    choice.select_option(label=existing)
    assert page.get_by_label("Nieuwe naam").count() == 0
    git_status = ["git", "status", "--porcelain"]
    assert subprocess.run(git_status, cwd=project, capture_output=True, text=True, check=True).stdout == ""


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_form_and_its_preview_in_dutch(browser, site_port, project, local_repository, viewport, tmp_path_factory):
    """The form and the preview (the card in the site's CSS, with its links), photographed to be looked at."""
    pictures = tmp_path_factory.mktemp("cms-screenshots")
    name = "desktop" if viewport == DESKTOP else "phone"
    page, recorder = open_admin(browser, f"http://localhost:{site_port}/admin/", viewport, local_repository)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"http://localhost:{site_port}/admin/#/collections/cards/entries/atmp")
    page.get_by_label("Totaal in miljoen euro").wait_for()
    assert page.get_by_text("Kleine letters a-z, cijfers en enkele streepjes").count() == 1  # Dutch hints
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # nothing squeezed beside it
    page.screenshot(path=pictures / f"form-{name}.png")
    choose_a_new_domain(page, recorder, project, pictures / f"domain-{name}.png")
    if viewport == PHONE:
        # The phone opens on the form alone; the eye button lays the preview over it, the whole width.
        assert page.locator("iframe").count() == 0
        page.get_by_role("button", name="Wissel voorvertoning").click()
    frame = preview_frame(page)
    box = page.locator("iframe").first.bounding_box()
    assert box["width"] >= viewport["width"] / 2 - 2 if viewport == DESKTOP else box["width"] == viewport["width"]
    title = yaml.safe_load((project / "data" / "cards" / "atmp.yml").read_text(encoding="utf-8"))["title"]["nl"]
    heading = frame.locator(".fs-header__heading")
    assert heading.inner_text() == title
    assert heading.evaluate("element => getComputedStyle(element).color") == "rgb(21, 66, 115)"  # blocks.css
    links = frame.locator(".fs-preview-links a")
    assert links.nth(0).get_attribute("href").endswith("/projecten/atmp/")
    assert links.nth(1).get_attribute("href").endswith("/pdf/atmp.nl.pdf")
    frame.locator("body").evaluate("() => document.fonts.ready")
    page.screenshot(path=pictures / f"preview-{name}.png")
    frame.locator(".fs-preconditions").scroll_into_view_if_needed()
    page.screenshot(path=pictures / f"preview-facts-{name}.png")
    assert recorder.errors == []
    page.context.close()
    print(f"screenshots in {pictures}")


SIGN_IN = {"nl": "Inloggen", "en": "Login"}
"""The local repository's sign-in button per interface language."""
TEXTS = {
    "nl": (["Titel", "Samenvatting"], ["Nederlands", "Engels"]),
    "en": (["Title", "Summary"], ["Dutch", "English"]),
}
"""Per interface language: a plain text and a Markdown text of the form, and the languages' labels."""


def text_group(page: Page, label: str) -> Locator:
    """A text's group of languages: the element that the text's label names."""
    return page.locator(f"[id='{page.get_by_text(label, exact=True).first.get_attribute('for')}']")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("folder", "viewport"),
    [("admin/", DESKTOP), ("admin/", PHONE), ("en/admin/", DESKTOP)],
    ids=["dutch-desktop", "dutch-phone", "english-desktop"],
)
def test_a_texts_languages_are_side_by_side_on_a_desktop_and_one_under_the_other_on_a_phone(
    browser, site_port, local_repository, folder, viewport, tmp_path_factory
):
    """Each language's input under its label, Dutch left and English right on a desktop (a plain text and a
    Markdown text), one under the other on a phone; photographed to be looked at."""
    pictures = tmp_path_factory.mktemp("cms-texts")
    interface = "en" if folder.startswith("en/") else "nl"
    texts, languages = TEXTS[interface]
    page, recorder = open_admin(browser, f"http://localhost:{site_port}/{folder}", viewport, local_repository)
    page.get_by_role("button", name=SIGN_IN[interface]).click()
    page.goto(f"http://localhost:{site_port}/{folder}#/collections/cards/entries/atmp")
    for text in texts:
        group = text_group(page, text)
        group.scroll_into_view_if_needed()
        labels, inputs = group.locator("label"), group.get_by_role("textbox")
        assert labels.all_text_contents() == languages and inputs.count() == len(languages), text
        for at in range(len(languages)):
            label, field = labels.nth(at).bounding_box(), inputs.nth(at).bounding_box()
            assert abs(label["x"] - field["x"]) <= 2 and label["y"] + label["height"] <= field["y"] + 1, text
        dutch, english = inputs.nth(0).bounding_box(), inputs.nth(1).bounding_box()
        if viewport == DESKTOP:
            assert english["x"] >= dutch["x"] + dutch["width"] and abs(english["y"] - dutch["y"]) <= 2, text
        else:
            assert english["y"] >= dutch["y"] + dutch["height"] and abs(english["x"] - dutch["x"]) <= 1, text
        page.screenshot(path=pictures / f"{text.lower()}.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert recorder.errors == []
    page.context.close()
    print(f"screenshots in {pictures}")


@pytest.mark.browser
def test_a_new_card_opens_in_the_form_with_its_preview(browser, site_port, project, local_repository):
    """A new card has no fields yet: the preview shows the card's blocks empty, and nothing fails."""
    labels = yaml.safe_load((project / "data" / "site.yml").read_text(encoding="utf-8"))["labels"]
    page, recorder = open_admin(browser, f"http://localhost:{site_port}/admin/", DESKTOP, local_repository)
    page.get_by_role("button", name="Inloggen").click()
    page.goto(f"http://localhost:{site_port}/admin/#/collections/cards/new")
    page.get_by_label("Totaal in miljoen euro").wait_for()
    organisations = page.frame_locator("iframe").first.locator(".fs-organisations")
    organisations.wait_for(timeout=10_000)
    assert organisations.locator(".fs-empty").inner_text() == labels["none_listed"]["nl"]
    assert recorder.errors == []
    page.context.close()
