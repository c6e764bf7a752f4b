"""Structured data: schema.org JSON-LD for each card page, and the DCAT catalogue of the open data.

Search engines read a card page's JSON-LD (the project with its funding, amount and years; its data as a
Dataset with downloads); open-data catalogues such as data.overheid.nl harvest ``catalog.jsonld``, the
DCAT-AP description of ``portfolio.json`` and ``portfolio.csv``. Both state only what the cards and
``site.yml`` say.
"""

from __future__ import annotations

from typing import Any

from .history import CardHistory
from .model import Card
from .render import booklet_path, page_url, pdf_path, plain_text
from .validate import Portfolio

SCHEMA = "https://schema.org"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
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


def dcat_catalog(portfolio: Portfolio, modified: str | None) -> dict[str, Any]:
    """The open data as a DCAT-AP catalogue (the profile data.overheid.nl's DCAT-AP-NL builds on), in JSON-LD.

    One dataset, the portfolio, with its two distributions and the sheets' booklets; titles and descriptions
    in every language of the site. ``modified``: the date of the last change to the cards, when known.
    """
    settings = portfolio.settings
    base = settings.base_url
    languages = [_eu_language(code) for code in portfolio.languages]
    publisher = {"@type": "foaf:Organization", "foaf:name": _texts(settings.publisher)}
    dataset = {
        "@id": base + "portfolio.json#dataset",
        "@type": "dcat:Dataset",
        "dct:identifier": base + "portfolio.json",
        "dct:title": _texts(settings.name),
        "dct:description": _texts(settings.description),
        "dct:publisher": publisher,
        "dct:language": languages,
        "dcat:landingPage": {"@id": base},
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _year(min(card.timeline.start for card in portfolio.cards)),
            "dcat:endDate": _year(max(card.timeline.end for card in portfolio.cards)),
        },
        "dcat:distribution": [
            *(_distribution(base, name, media, label) for name, media, label in OPEN_DATA),
            *(_distribution(base, booklet_path(code), "application/pdf", "PDF", code) for code in portfolio.languages),
        ],
    }
    if modified:
        dataset["dct:modified"] = {"@value": modified, "@type": "xsd:date"}
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
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


def _year(year: int) -> dict[str, str]:
    return {"@value": str(year), "@type": "xsd:gYear"}


def _eu_language(code: str) -> dict[str, str]:
    return {"@id": EU_LANGUAGE + LANGUAGE_CODES.get(code, code.upper())}


def _distribution(base: str, name: str, media_type: str, file_type: str, language: str | None = None) -> dict[str, Any]:
    distribution = {
        "@id": base + name,
        "@type": "dcat:Distribution",
        "dct:title": f"{file_type} ({language})" if language else file_type,
        "dcat:accessURL": {"@id": base},
        "dcat:downloadURL": {"@id": base + name},
        "dcat:mediaType": media_type,
        "dct:format": {"@id": EU_FILE_TYPE + file_type},
    }
    return distribution | ({"dct:language": _eu_language(language)} if language else {})


def _texts(localized: dict[str, str]) -> list[dict[str, str]]:
    return [{"@value": text, "@language": code} for code, text in localized.items()]
