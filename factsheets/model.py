"""The typed model of a card and of the portfolio-wide settings.

The card format is the public contract in ``card-format.md``. Every field has
a description: it feeds the JSON schema that editors' text editors use and
the field reference in the editor's guide.

Texts are maps with one entry per configured language. The languages are
configured once, in ``data/site.yml``, and reach the validators through
pydantic's validation context (``{"languages": [...]}``).
"""

from __future__ import annotations

import datetime
import re
from functools import cache, lru_cache
from typing import Annotated, Any, Literal, get_args, get_origin
from urllib.parse import urlsplit

from babel import Locale, UnknownLocaleError
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .messages import message
from .text import MAX_CARD_MARKDOWN, character_problem, markdown_issues

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 64


def _check_slug(value: str) -> str:
    if not SLUG.fullmatch(value) or len(value) > MAX_SLUG_LENGTH:
        raise PydanticCustomError(
            "slug",
            "'{value}' is not a valid id: use lower-case a-z, 0-9 and single hyphens, at most {limit} characters",
            {"value": value[:80], "limit": MAX_SLUG_LENGTH},
        )
    return value


def _check_languages(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    languages = (info.context or {}).get("languages")
    if not languages:
        return value
    unknown = [key for key in value if key not in languages]
    if unknown:
        raise PydanticCustomError(
            "unknown_language",
            "unknown language '{key}' (the site's languages are {languages})",
            {"key": unknown[0], "languages": ", ".join(languages)},
        )
    missing = [language for language in languages if language not in value]
    if missing:
        raise PydanticCustomError(
            "missing_translation", "the text in {languages} is missing", {"languages": ", ".join(missing)}
        )
    empty = [language for language in languages if not value[language].strip()]
    if empty:
        raise PydanticCustomError(
            "empty_translation", "the text in {languages} is empty", {"languages": ", ".join(empty)}
        )
    return value


def _check_plain_texts(value: dict[str, str]) -> dict[str, str]:
    for code, text in value.items():
        _check_characters(text, message("model.in_text", code=code) + " ")
        if len(text) > MAX_PLAIN_TEXT:
            raise PydanticCustomError(
                "text_too_long",
                "the {code} text is {length} characters long; at most {limit} are allowed",
                {"code": code, "length": len(text), "limit": MAX_PLAIN_TEXT},
            )
    return value


@lru_cache(maxsize=8192)
def _is_clean_markdown(text: str) -> bool:
    # Only the answer is remembered, not the messages, which are in the language chosen when they are shown.
    # The live preview validates every card on every save; most texts are the ones it validated before.
    return not markdown_issues(text, MAX_CARD_MARKDOWN)


def _check_markdown_texts(value: dict[str, str]) -> dict[str, str]:
    for code, text in value.items():
        if _is_clean_markdown(text):
            continue
        issues = markdown_issues(text, MAX_CARD_MARKDOWN)
        if issues:
            first = issues[0]
            where = message("model.in_text_line" if first.line > 1 else "model.in_text", code=code, line=first.line)
            raise PydanticCustomError("markdown", "{where}: {message}", {"where": where, "message": first.message})
    return value


def _check_characters(text: str, which: str = "") -> str:
    problem = character_problem(text)
    if problem:
        raise PydanticCustomError("characters", "{which}{problem}", {"which": which, "problem": problem})
    return text


WEB_ADDRESS = re.compile(r"https?://[^\s/$.?#\"'<>\\^`{|}][^\s\"'<>\\^`{|}]*", re.IGNORECASE)
MAX_WEB_ADDRESS = 2000


def _check_web_address(value: str) -> str:
    if not WEB_ADDRESS.fullmatch(value) or len(value) > MAX_WEB_ADDRESS or not _host(value):
        raise PydanticCustomError("web_address", "expected a web address starting with https:// or http://", {})
    return value


def _host(value: str) -> str:
    try:
        return urlsplit(value).hostname or ""
    except ValueError:
        return ""


def _check_base_url(value: str) -> str:
    _check_web_address(value)
    parts = urlsplit(value)
    if parts.username is not None or parts.query or parts.fragment or "#" in value or "?" in value:
        raise PydanticCustomError(
            "base_url", "the site's address has no user name, ?query or #fragment: give only https://host/path/", {}
        )
    return value  # a missing trailing / is added by SiteSettings


def base_url_problem(value: str) -> str | None:
    """Why ``value`` cannot be the site's public address (site.yml's base_url, or one given on the
    command line); None when it can."""
    try:
        _check_base_url(value)
    except PydanticCustomError as error:
        return error.message()
    return None


LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")


def _check_language_code(code: str) -> str:
    if not LANGUAGE_CODE.fullmatch(code) or not _known_language(code):
        raise PydanticCustomError(
            "language", "'{code}' is not a language code Babel knows (two or three letters: nl, en, fy, ...)",
            {"code": code[:20]},
        )  # fmt: skip
    return code


@cache
def _known_language(code: str) -> bool:
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _check_unique(codes: list[str]) -> list[str]:
    doubles = sorted({code for code in codes if codes.count(code) > 1})
    if doubles:
        raise PydanticCustomError("unique", "{codes} given more than once", {"codes": ", ".join(doubles)})
    return codes


Slug = Annotated[str, AfterValidator(_check_slug), Field(max_length=200, json_schema_extra={"pattern": SLUG.pattern})]
MAX_PLAIN_TEXT = 500
"""Characters in a plain text (a title, a label): a heading or a line, not an essay."""

Text = Annotated[
    dict[str, str],
    AfterValidator(_check_languages),
    AfterValidator(_check_plain_texts),
    # The languages come from site.yml, so the schema fills in this definition.
    WithJsonSchema({"type": "object", "x-localized-text": True}),
]
MarkdownText = Annotated[
    dict[str, str],
    AfterValidator(_check_languages),
    AfterValidator(_check_markdown_texts),
    WithJsonSchema({"type": "object", "x-localized-text": True}),
]
PlainText = Annotated[str, AfterValidator(_check_characters)]
WebAddress = Annotated[str, AfterValidator(_check_web_address)]
BaseUrl = Annotated[str, AfterValidator(_check_base_url)]
LanguageCode = Annotated[str, AfterValidator(_check_language_code)]
Mark = Literal["relevant", "less_relevant"]
Market = Literal["exploration", "partly_operational", "operational"]
Unit = Literal["meur", "eur", "jobs", "fte", "percent", "multiplier", "count"]
Qualifier = Literal["more_than", "about"]
Kind = Literal["programme", "flagship"]


def plain_type(annotation: Any) -> Any:
    """A field's type without ``| None`` and ``Annotated[...]``: what an editor writes there."""
    if get_origin(annotation) is Annotated:
        return plain_type(get_args(annotation)[0])
    args = get_args(annotation)
    rest = [arg for arg in args if arg is not type(None)]
    if type(None) in args and len(rest) == 1:
        return plain_type(rest[0])
    return annotation


class Strict(BaseModel):
    """Strict types (a quoted "1200" is text, not a number) and no unknown keys."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


class Budget(Strict):
    total_meur: float = Field(
        gt=0,
        le=1_000_000,
        description="Projectomvang: the project's total size in millions of euros. Example: 1200",
    )
    includes_flagships: bool = Field(
        False,
        description="Programmes only: true when the total includes the budgets of its flagships. Example: true",
    )


class Timeline(Strict):
    start: int = Field(ge=1900, le=2200, description="The year the project starts. Example: 2026")
    end: int = Field(ge=1900, le=2200, description="The year the project ends, not before start. Example: 2030")

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: int, info: ValidationInfo) -> int:
        start = info.data.get("start")
        if start is not None and end < start:
            raise PydanticCustomError(
                "order", "the end year {end} is before the start year {start}", {"end": end, "start": start}
            )
        return end


def _share(description: str) -> Any:
    return Field(ge=0, le=100, description=description)


class Shares(Strict):
    capital: int = _share("Aandeel Kapitaal: percentage for capital; capital + rnd = 100. Example: 35")
    rnd: int = _share("Aandeel R&D: percentage for research and development; capital + rnd = 100. Example: 65")
    public: int = _share("Aandeel Publiek: percentage of public money; public + private = 100. Example: 30")
    private: int = _share("Aandeel Privaat: percentage of private money; public + private = 100. Example: 70")

    @field_validator("rnd")
    @classmethod
    def _capital_and_rnd_make_100(cls, rnd: int, info: ValidationInfo) -> int:
        return _adds_up_to_100("capital", info.data.get("capital"), "rnd", rnd)

    @field_validator("private")
    @classmethod
    def _public_and_private_make_100(cls, private: int, info: ValidationInfo) -> int:
        return _adds_up_to_100("public", info.data.get("public"), "private", private)


def _adds_up_to_100(first: str, first_value: int | None, second: str, second_value: int) -> int:
    if first_value is not None and first_value + second_value != 100:
        raise PydanticCustomError(
            "shares_sum",
            "{first} + {second} must add up to 100, got {a} + {b} = {total}",
            {
                "first": first,
                "second": second,
                "a": first_value,
                "b": second_value,
                "total": first_value + second_value,
            },
        )
    return second_value


class TRL(Strict):
    min: int = Field(ge=1, le=9, description="Lowest Technology Readiness Level, 1 to 9. Example: 6")
    max: int = Field(ge=1, le=9, description="Highest Technology Readiness Level, 1 to 9, not below min. Example: 7")

    @field_validator("max")
    @classmethod
    def _not_below_min(cls, high: int, info: ValidationInfo) -> int:
        low = info.data.get("min")
        if low is not None and high < low:
            raise PydanticCustomError("order", "max {high} is below min {low}", {"high": high, "low": low})
        return high


class Readiness(Strict):
    trl: TRL = Field(description="Technology Readiness Level range. Example: {min: 6, max: 7}")
    market: Market = Field(
        description="Market Readiness Level: exploration (Verkenning), partly_operational (Deels operationeel) "
        "or operational (Operationeel). Example: operational"
    )


PRECONDITION_GROUPS: dict[str, tuple[str, ...]] = {
    "infrastructure": ("digital_infrastructure", "spatial_constraints", "nitrogen_space", "test_capacity"),
    "energy": ("grid_congestion", "energy_costs"),
    "talent": ("labour_shortage", "talent"),
    "regulation": ("permits", "regulation", "regulatory_burden"),
    "other": ("taxation", "financing", "launching_customer", "certification", "other"),
}
"""Randvoorwaarden: the fixed grid of 16 conditions in 5 groups, in sheet order."""

_MARK_HELP = "relevant or less_relevant; leave the key out when it is not known"


class Preconditions(Strict):
    digital_infrastructure: Mark | None = Field(None, description=f"Digitale infrastructuur: {_MARK_HELP}")
    spatial_constraints: Mark | None = Field(None, description=f"Ruimtelijke beperkingen: {_MARK_HELP}")
    nitrogen_space: Mark | None = Field(None, description=f"Stikstofruimte: {_MARK_HELP}")
    test_capacity: Mark | None = Field(None, description=f"Testcapaciteit: {_MARK_HELP}")
    grid_congestion: Mark | None = Field(None, description=f"Netcongestie: {_MARK_HELP}")
    energy_costs: Mark | None = Field(None, description=f"Energiekosten: {_MARK_HELP}")
    labour_shortage: Mark | None = Field(None, description=f"Arbeidstekort: {_MARK_HELP}")
    talent: Mark | None = Field(None, description=f"Talent: {_MARK_HELP}")
    permits: Mark | None = Field(None, description=f"Vergunningen: {_MARK_HELP}")
    regulation: Mark | None = Field(None, description=f"Regelgeving: {_MARK_HELP}")
    regulatory_burden: Mark | None = Field(None, description=f"Regeldruk: {_MARK_HELP}")
    taxation: Mark | None = Field(None, description=f"Fiscaliteit: {_MARK_HELP}")
    financing: Mark | None = Field(None, description=f"Financiering: {_MARK_HELP}")
    launching_customer: Mark | None = Field(None, description=f"Launching customer: {_MARK_HELP}")
    certification: Mark | None = Field(None, description=f"Certificering: {_MARK_HELP}")
    other: Mark | None = Field(None, description=f"Overig: {_MARK_HELP}")


class Organisation(Strict):
    name: PlainText = Field(min_length=1, max_length=200, description="The organisation's name. Example: Leyden Labs")
    role: Text | None = Field(None, description="Its role in the project. Example: {nl: penvoerder, en: lead}")
    url: WebAddress | None = Field(None, description="Its website, http(s) only. Example: https://example.org")


class KeyFigure(Strict):
    value: float = Field(ge=-1e12, le=1e12, description="The figure as a plain number. Example: 8.6")
    qualifier: Qualifier | None = Field(
        None, description="When the text says 'meer dan' (more_than) or 'circa' (about). Example: more_than"
    )
    unit: Unit = Field(
        description="What the number counts: meur (millions of euros), eur, jobs, fte, percent, multiplier "
        "or count. Example: percent"
    )
    label: Text = Field(description="What the figure means, without the number. Example: expected yearly growth")
    year: int | None = Field(None, ge=1900, le=2200, description="The year the figure refers to. Example: 2035")
    source: Text | None = Field(None, description="Where the figure comes from. Example: {nl: Doorrekening KPMG}")


def _same_text_in_every_language(value: Any, info: ValidationInfo) -> Any:
    # A document's title is often one name in every language: let the editor write it once.
    languages = (info.context or {}).get("languages")
    return {code: value for code in languages} if isinstance(value, str) and languages else value


def _as_text(value: Any) -> Any:
    # YAML reads an unquoted 2025 as a number and 2025-10-01 as a date; both are meant as text here.
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _check_source_date(value: str) -> str:
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise PydanticCustomError("source_date", "expected a year, year-month or date: 2025, 2025-10 or 2025-10-01", {})
    return value


TextOrPlain = Annotated[
    dict[str, str],
    BeforeValidator(_same_text_in_every_language),
    AfterValidator(_check_languages),
    AfterValidator(_check_plain_texts),
    WithJsonSchema({"anyOf": [{"type": "object", "x-localized-text": True}, {"type": "string", "minLength": 1}]}),
]
SourceDate = Annotated[
    str,
    BeforeValidator(_as_text),
    AfterValidator(_check_source_date),
    WithJsonSchema({"type": ["string", "integer"], "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$"}),
]
PageText = Annotated[
    str,
    BeforeValidator(_as_text),
    Field(min_length=1, max_length=40),
    AfterValidator(_check_characters),
    WithJsonSchema({"type": ["string", "integer"]}),
]


class Source(Strict):
    """A document the card's facts are taken from."""

    title: TextOrPlain = Field(
        description="The document's name: one text, or one per language. Example: Projectkaarten Life sciences"
    )
    date: SourceDate | None = Field(None, description="When the document was published: 2025, 2025-10 or 2025-10-01.")
    page: PageText | None = Field(None, description="The page or pages the card is on. Example: 3-4")
    url: WebAddress | None = Field(None, description="Where the document can be read, http(s) only.")
    note: Text | None = Field(None, description="What was taken from it, or what was lost. Example: {nl: …, en: …}")


class Unconfirmed(Strict):
    """Values on the card that the sources do not confirm, shown as such wherever they appear."""

    fields: list[Annotated[str, Field(min_length=1, max_length=100), AfterValidator(_check_characters)]] = Field(
        min_length=1,
        max_length=20,
        description="The numbers this note is about, as field paths. Example: [shares.capital, shares.rnd]",
    )
    note: Text = Field(
        description="A short note shown in brackets after each of these values. "
        "Example: {nl: verdeling nog niet bevestigd, en: split not yet confirmed}"
    )


class Card(Strict):
    """One investment project: a programme or one of its flagships."""

    id: Slug = Field(description="The card's id, equal to its file name. Example: infectieziekten")
    kind: Kind = Field(description="programme, or flagship (part of a programme). Example: flagship")
    parent: Slug | None = Field(
        None,
        validate_default=True,
        description="Flagships only: the id of their programme. Example: biotech-nexus",
    )
    order: int | None = Field(None, ge=0, le=10_000, description="Position among its siblings. Example: 1")
    domain: Text = Field(description="Domein. Example: {nl: Life sciences en Biotech, en: Life Sciences and Biotech}")
    subdomain: Text = Field(description="Sub-domein. Example: {nl: Life sciences en Biotech}")
    title: Text = Field(description="The card's heading. Example: {nl: Infectieziekten, en: Infectious Diseases}")
    project_name: Text = Field(description="Project naam. Example: {nl: 'Flagship Biotech Nexus: Infectieziekten'}")
    summary: MarkdownText = Field(description="The introduction, in Markdown.")
    relevance: MarkdownText = Field(description="Strategische relevantie en maatschappelijke baten, in Markdown.")
    dutch_partnerships: MarkdownText = Field(description="Koppeling aan Nederlandse samenwerkingen, in Markdown.")
    european_partnerships: MarkdownText = Field(description="Koppeling aan Europese samenwerkingen, in Markdown.")
    budget: Budget = Field(description="Projectomvang. Example: {total_meur: 1200}")
    timeline: Timeline = Field(description="Tijdlijn: start and end year. Example: {start: 2026, end: 2030}")
    shares: Shares = Field(description="Aandeel %: two splits that each add up to 100.")
    readiness: Readiness = Field(description="Technology and market readiness.")
    preconditions: Preconditions = Field(
        default_factory=Preconditions,
        description="Randvoorwaarden: each of the 16 conditions relevant or less_relevant; left out = unknown.",
    )
    organisations: list[Organisation] = Field(
        default_factory=list, max_length=100, description="Betrokken bedrijven en instellingen (may be empty)."
    )
    key_figures: list[KeyFigure] = Field(
        default_factory=list, max_length=20, description="Headline figures stated in the texts (optional)."
    )
    sources: list[Source] = Field(
        default_factory=list, max_length=20, description="The documents the card is taken from (optional)."
    )
    unconfirmed: list[Unconfirmed] = Field(
        default_factory=list,
        max_length=50,
        description="Numbers the sources do not confirm, each list with a note; every path must name a number "
        "on this card (optional).",
    )

    @field_validator("parent")
    @classmethod
    def _parent_matches_kind(cls, parent: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind == "flagship" and parent is None:
            raise PydanticCustomError("parent", "a flagship needs the id of its programme as parent", {"kind": kind})
        if kind == "programme" and parent is not None:
            raise PydanticCustomError("parent", "a programme has no parent; remove this line", {"kind": kind})
        return parent


TOOI_ORGANISATION = re.compile(r"https://identifier\.overheid\.nl/tooi/id/[a-z0-9_]+/[a-z0-9_]+")
EU_LICENCE = re.compile(r"http://publications\.europa\.eu/resource/authority/licence/[A-Z0-9_.-]+")
E_MAIL = re.compile(r"[^@\s<>\"'()\[\]:;,]+@[a-z0-9-]+(\.[a-z0-9-]+)+", re.IGNORECASE)
DataTheme = Literal["AGRI", "ECON", "EDUC", "ENER", "ENVI", "GOVE", "HEAL", "INTR", "JUST", "OP_DATPRO", "REGI", "SOCI",
                    "TECH", "TRAN"]  # fmt: skip
"""The EU's data themes (publications.europa.eu/resource/authority/data-theme), which DCAT-AP-NL 3.0 requires."""


def _check_pattern(kind: str, pattern: re.Pattern[str]) -> Any:
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise PydanticCustomError(kind, "expected {example}", {"example": _EXAMPLES[kind]})
        return value

    return AfterValidator(check)


_EXAMPLES = {
    "tooi_organisation": "https://identifier.overheid.nl/tooi/id/ministerie/mnre1025",
    "eu_licence": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
    "e_mail": "opendata@example.org",
}


class ContactPoint(Strict):
    """Who answers questions about the open data: a name and an e-mail address or a web page (or both)."""

    name: Text = Field(description="The contact's name. Example: {nl: Team open data, en: Open data team}")
    email: Annotated[str, _check_pattern("e_mail", E_MAIL)] | None = Field(
        None, description="An e-mail address. Example: opendata@example.org"
    )
    url: WebAddress | None = Field(
        None, description="A contact page, http(s) only. Example: https://example.org/contact"
    )

    @model_validator(mode="after")
    def _email_or_url(self) -> ContactPoint:
        if self.email is None and self.url is None:
            raise PydanticCustomError("contact", "give an email or a url (or both) to reach the contact", {})
        return self


class OpenData(Strict):
    """How the open data (portfolio.json, portfolio.csv) is described to open-data catalogues (DCAT-AP-NL 3.0).

    Every field may be left out until it is known; the build then leaves it out of catalog.jsonld and says so."""

    publisher: Annotated[str, _check_pattern("tooi_organisation", TOOI_ORGANISATION)] | None = Field(
        None,
        description="The publishing organisation's TOOI identifier, from the government's organisation lists. "
        "Example: https://identifier.overheid.nl/tooi/id/ministerie/mnre1025",
    )
    contact_point: ContactPoint | None = Field(None, description="Who answers questions about the data.")
    licence: Annotated[str, _check_pattern("eu_licence", EU_LICENCE)] | None = Field(
        None,
        description="The data's licence from the EU's licence list. "
        "Example: http://publications.europa.eu/resource/authority/licence/CC0",
    )
    themes: list[DataTheme] = Field(
        default_factory=list, max_length=14, description="The data's themes from the EU's list. Example: [ECON, HEAL]"
    )
    issued: SourceDate | None = Field(None, description="The day the data was first published. Example: 2026-01-15")


LABEL_HELP = "A text per language for the interface, e.g. {nl: Tijdlijn, en: Timeline}"


class SiteSettings(Strict):
    """Portfolio-wide settings: data/site.yml."""

    languages: Annotated[list[LanguageCode], AfterValidator(_check_unique)] = Field(
        min_length=1, max_length=12, description="The site's languages; the first is the default."
    )
    name: Text = Field(description="The portfolio's name. Example: {nl: Biotech Nexus, en: Biotech Nexus}")
    tagline: Text = Field(description="The portfolio's closing line, on sheets and the site.")
    description: Text = Field(description="One sentence about the portfolio, for the home page and search engines.")
    publisher: Text = Field(description="Who publishes the portfolio.")
    base_url: BaseUrl = Field(description="The public address of the site, ending in /. Example: https://…/")
    open_data: OpenData = Field(default_factory=OpenData, description="The open data's catalogue entry (DCAT-AP-NL).")
    labels: dict[str, Text] = Field(description=LABEL_HELP)

    @field_validator("base_url")
    @classmethod
    def _base_url_ends_in_a_slash(cls, value: str) -> str:
        # Paths are appended to this address: without the slash "…/portfolio" + "projecten/x/" runs together.
        return value if value.endswith("/") else value + "/"

    @property
    def default_language(self) -> str:
        return self.languages[0]


class PageMeta(Strict):
    """The front matter of a hand-written page in ``content/<lang>/``."""

    title: PlainText = Field(min_length=1, max_length=MAX_PLAIN_TEXT, description="The page's title.")
    description: PlainText | None = Field(
        None, max_length=MAX_PLAIN_TEXT, description="One sentence about the page, for search engines."
    )
