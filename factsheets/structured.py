"""Structured data: schema.org JSON-LD for each card page, and the DCAT catalogue of the open data.

Search engines read a card page's JSON-LD (the project with its funding, amount and years; its data as a
Dataset with downloads); open-data catalogues such as data.overheid.nl harvest ``catalog.jsonld``, the
DCAT-AP-NL 3.0 description of ``portfolio.json`` and ``portfolio.csv``. Both state only what the cards, git and
``site.yml`` say: what DCAT-AP-NL requires and site.yml does not give yet (its ``open_data``: the publisher's
TOOI identifier, a contact point, the licence, the themes) is left out, and ``catalogue_gaps`` names it, for
``check`` and the build to say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .history import CardHistory
from .load import load_yaml
from .messages import message
from .model import Card, ContactPoint, OpenData
from .problems import InvalidInput, Problem
from .render import booklet_path, page_url, pdf_path, plain_text
from .validate import Portfolio

SCHEMA = "https://schema.org"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
EU_DATA_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_PUBLIC_ACCESS = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
"""The open data is on the public website: open to everyone, as DCAT-AP-NL's access rights must say."""
LANGUAGE_CODES = {"nl": "NLD", "en": "ENG", "de": "DEU", "fr": "FRA", "fy": "FRY"}
"""ISO 639-2 codes of the EU's language authority, for the languages a portfolio is likely to have."""

OPEN_DATA = (("portfolio.json", "application/json", "JSON"), ("portfolio.csv", "text/csv", "CSV"))


def card_json_ld(portfolio: Portfolio, card: Card, code: str, history: CardHistory) -> dict[str, Any]:
    """The card page as schema.org sees it: a WebPage about a Project, funded with its budget over its years,
    whose data is a Dataset with the sheet (PDF, per language) and the portfolio's open data as downloads."""
    base = portfolio.settings.base_url
    url = base + page_url(portfolio, card.id, code)
    project = {
        "@type": "Project",
        "@id": f"{url}#project",
        "name": card.title[code],
        "alternateName": card.project_name[code],
        "description": plain_text(card.summary[code]),
        "url": url,
        "funding": {
            "@type": "MonetaryGrant",
            "name": card.project_name[code],
            "amount": {
                "@type": "MonetaryAmount",
                "currency": "EUR",
                "value": _whole_if_whole(card.budget.total_meur * 1_000_000),
                "validFrom": f"{card.timeline.start}-01-01",
                "validThrough": f"{card.timeline.end}-12-31",
            },
            **_funder(portfolio, card, code),
        },
        "member": [_organisation(org.name, org.url) for org in card.organisations],
    }
    if card.parent:
        project["parentOrganization"] = {"@id": base + page_url(portfolio, card.parent, code) + "#project"}
    page = {
        "@type": "WebPage",
        "@id": url,
        "url": url,
        "name": card.title[code],
        "inLanguage": code,
        "about": {"@id": project["@id"]},
        "isPartOf": {"@type": "WebSite", "name": portfolio.settings.name[code], "url": base},
    }
    if history.last_changed:
        page["dateModified"] = history.last_changed
    dataset = {
        "@type": "Dataset",
        "@id": f"{url}#data",
        "name": f"{card.title[code]}: {portfolio.settings.labels['open_data'][code]}",
        "description": plain_text(card.summary[code]),
        "url": url,
        "about": {"@id": project["@id"]},
        "isAccessibleForFree": True,
        "publisher": _organisation(portfolio.settings.publisher[code]),
        "temporalCoverage": f"{card.timeline.start}/{card.timeline.end}",
        "distribution": [
            *(_download(base + pdf_path(card.id, other), "application/pdf", other) for other in portfolio.languages),
            *(_download(base + name, media) for name, media, _ in OPEN_DATA),
        ],
    }
    return {"@context": SCHEMA, "@graph": [page, project, dataset]}


def _whole_if_whole(number: float) -> float | int:
    return int(number) if float(number).is_integer() else number


def _download(address: str, media_type: str, language: str | None = None) -> dict[str, Any]:
    download = {"@type": "DataDownload", "encodingFormat": media_type, "contentUrl": address}
    return download | ({"inLanguage": language} if language else {})


def _funder(portfolio: Portfolio, card: Card, code: str) -> dict[str, Any]:
    """A flagship whose programme's budget includes it is funded from that programme; nothing else is known."""
    parent = portfolio.card(card.parent) if card.parent else None
    if parent is None or not parent.budget.includes_flagships:
        return {}
    return {"funder": {"@id": portfolio.settings.base_url + page_url(portfolio, parent.id, code) + "#project"}}


def _organisation(name: str, url: str | None = None) -> dict[str, Any]:
    return {"@type": "Organization", "name": name, **({"url": url} if url else {})}


def dcat_catalog(portfolio: Portfolio, modified: str | None, issued: str | None) -> dict[str, Any]:
    """The open data as a DCAT-AP-NL 3.0 catalogue (data.overheid.nl's profile of DCAT-AP), in JSON-LD.

    One dataset, the portfolio, with its two distributions and the sheets' booklets; titles and descriptions
    in every language of the site. ``modified``: the date of the last change to the cards; ``issued``: of the
    first, from git, unless site.yml's ``open_data.issued`` gives the day of publication (either may be None).
    """
    settings = portfolio.settings
    open_data = settings.open_data
    base = settings.base_url
    languages = [_eu_language(code) for code in portfolio.languages]
    publisher = _publisher(settings.publisher, open_data)
    dataset = {
        "@id": base + "portfolio.json#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": base + "portfolio.json",
        "dct:title": _texts(settings.name),
        "dct:description": _texts(settings.description),
        "dct:publisher": publisher,
        # The body that publishes the portfolio keeps its cards and signs their figures: it made the data too.
        "dct:creator": publisher,
        "dct:language": languages,
        "dct:accessRights": {"@id": EU_PUBLIC_ACCESS},
        "dcat:landingPage": {"@id": base},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _year(min(card.timeline.start for card in portfolio.cards)),
            "dcat:endDate": _year(max(card.timeline.end for card in portfolio.cards)),
        },
        "dcat:distribution": [
            *(_distribution(base, name, media, label, open_data) for name, media, label in OPEN_DATA),
            *(_distribution(base, booklet_path(code), "application/pdf", "PDF", open_data, code)
              for code in portfolio.languages),
        ],
    }  # fmt: skip
    if open_data.themes:
        dataset["dcat:theme"] = [{"@id": EU_DATA_THEME + theme} for theme in open_data.themes]
    if open_data.contact_point:
        dataset["dcat:contactPoint"] = _contact_point(open_data.contact_point)
    if open_data.issued or issued:
        dataset["dct:issued"] = _date(open_data.issued or issued or "")
    if modified:
        dataset["dct:modified"] = _date(modified)
    catalog = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": base + "catalog.jsonld",
        "@type": "dcat:Catalog",
        "dct:title": _texts(settings.name),
        "dct:description": _texts(settings.description),
        "dct:publisher": publisher,
        "dct:language": languages,
        "foaf:homepage": {"@id": base},
        "dcat:dataset": [dataset],
    }
    if open_data.licence:
        catalog["dct:license"] = {"@id": open_data.licence}
    if modified:
        catalog["dct:modified"] = _date(modified)
    return catalog


DCAT_REQUIRED = ("publisher", "contact_point", "licence", "themes")
"""What DCAT-AP-NL 3.0 requires of the dataset that only site.yml's ``open_data`` can say."""


def catalogue_gaps(open_data: OpenData) -> list[str]:
    """The ``open_data`` fields DCAT-AP-NL requires that site.yml leaves out, as site.yml names them."""
    return [f"open_data.{name}" for name in DCAT_REQUIRED if not getattr(open_data, name)]


def catalogue_problems(open_data: OpenData, site_yml: Path, root: Path) -> list[Problem]:
    """``catalogue_gaps`` as warnings at their place in site.yml (where ``open_data`` is, or its first line)."""
    gaps = catalogue_gaps(open_data)
    if not gaps:
        return []
    try:
        document = load_yaml(site_yml, root)
    except (InvalidInput, OSError):
        return []  # site.yml was read a moment ago: a file that changed since is check's next run's concern
    line, col = document.position(("open_data",), of_key=True)
    return [Problem(document.file, line, col, gap, message("catalog.missing", field=gap)) for gap in gaps]


def _publisher(names: dict[str, str], open_data: OpenData) -> dict[str, Any]:
    """The publisher by its TOOI identifier when site.yml gives it; by its names alone until then."""
    agent = {"@type": "foaf:Agent", "foaf:name": _texts(names)}
    return {"@id": open_data.publisher, **agent} if open_data.publisher else agent


def _contact_point(contact: ContactPoint) -> dict[str, Any]:
    point: dict[str, Any] = {"@type": "vcard:Kind", "vcard:fn": _texts(contact.name)}
    if contact.email:
        point["vcard:hasEmail"] = {"@id": "mailto:" + contact.email}
    if contact.url:
        point["vcard:hasURL"] = {"@id": contact.url}
    return point


def _date(value: str) -> dict[str, str]:
    """A date as given: a day (xsd:date), a month (xsd:gYearMonth) or a year (xsd:gYear)."""
    kind = {10: "xsd:date", 7: "xsd:gYearMonth", 4: "xsd:gYear"}[len(value)]
    return {"@value": value, "@type": kind}


def _year(year: int) -> dict[str, str]:
    return _date(str(year))


def _eu_language(code: str) -> dict[str, str]:
    return {"@id": EU_LANGUAGE + LANGUAGE_CODES.get(code, code.upper())}


def _distribution(base: str, name: str, media_type: str, file_type: str, open_data: OpenData,
                  language: str | None = None) -> dict[str, Any]:  # fmt: skip
    distribution: dict[str, Any] = {
        "@id": base + name,
        "@type": "dcat:Distribution",
        "dct:title": f"{file_type} ({language})" if language else file_type,
        "dcat:accessURL": {"@id": base},
        "dcat:downloadURL": {"@id": base + name},
        "dcat:mediaType": media_type,
        "dct:format": {"@id": EU_FILE_TYPE + file_type},
    }
    if open_data.licence:
        distribution["dct:license"] = {"@id": open_data.licence}
    return distribution | ({"dct:language": _eu_language(language)} if language else {})


def _texts(localized: dict[str, str]) -> list[dict[str, str]]:
    return [{"@value": text, "@language": code} for code, text in localized.items()]
