"""The form editor's configuration (Decap CMS at ``/admin/``), generated from the card model.

``python build.py schema`` writes ``templates/admin/config.yml`` with the JSON schema and the
guides; a test fails when it is stale or when a model field has no form field. Each field's kind,
bounds, options and required rule come from the model; what the model cannot say (the Dutch
label and hint an editor reads, which texts are Markdown) is in the tables below, and a field
missing from them stops the generation.

Texts (``{nl: …, en: …}``) are a group with one input per language. The CMS's own translation
support (``i18n: structure: single_file``) would write ``nl:`` and ``en:`` at the top of the
file, which is not the card format, so the languages are ordinary fields of the group.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args, get_origin

import annotated_types
import yaml
from pydantic import AfterValidator, BaseModel, WithJsonSchema
from pydantic.fields import FieldInfo

from .model import PRECONDITION_GROUPS, SLUG, Card, Slug, WebAddress, plain_type
from .render import language_name

COLLECTION = "cards"
CARDS_FOLDER = "data/cards"
FORMAT = "card-yaml"
"""The card file format that ``templates/admin/cms.js`` registers (``factsheets/cardfile.py``'s rules)."""
WEB_ADDRESS = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s/$.?#][^\s]*$"
"""The model's rule for a web address (``model._check_web_address``), as a JavaScript pattern."""
MARKDOWN = {"summary", "relevance", "dutch_partnerships", "european_partnerships"}
"""The texts that take Markdown (card-format.md); the others are plain text."""
FROM_EXISTING = {"domain", "subdomain"}
"""Texts chosen from the values other cards already have, so that a domain is not misspelt."""
LIST_SUMMARIES = {
    "organisations": "{{fields.name}}",
    "key_figures": "{{fields.value}} {{fields.unit}}",
    "sources": "{{fields.title.%s}}",
    "unconfirmed": "{{fields.note.%s}}",
}
"""What a collapsed list item shows (``%s``: the default language)."""

FIELDS: dict[str, tuple[str, str]] = {
    "id": ("Id", "Kleine letters a-z, cijfers en enkele streepjes; wordt de bestandsnaam. Later niet meer wijzigen."),
    "kind": ("Soort", "Programma, of flagship (onderdeel van een programma)."),
    "parent": ("Hoort bij programma", "Alleen voor een flagship: het programma waar het onder valt."),
    "order": ("Volgorde", "Optioneel: de plaats tussen de kaarten van hetzelfde programma."),
    "domain": ("Domein", "Kies een domein dat al bestaat, in elke taal."),
    "subdomain": ("Sub-domein", "Kies een sub-domein dat al bestaat, in elke taal."),
    "title": ("Titel", "De kop van de kaart."),
    "project_name": ("Project naam", "De volledige naam van het project."),
    "summary": ("Samenvatting", "De inleiding bovenaan de kaart, in Markdown."),
    "relevance": ("Strategische relevantie en maatschappelijke baten", "In Markdown: alinea's, lijsten, links."),
    "dutch_partnerships": ("Koppeling aan Nederlandse samenwerkingen", "In Markdown, bijvoorbeeld een lijst."),
    "european_partnerships": ("Koppeling aan Europese samenwerkingen", "In Markdown, bijvoorbeeld een lijst."),
    "budget": ("Projectomvang", "Het totale budget van het project."),
    "budget.total_meur": ("Totaal in miljoen euro", "Groter dan 0; 1200 betekent € 1.200 miljoen."),
    "budget.includes_flagships": (
        "Inclusief de flagships",
        "Alleen voor een programma: aan als het totaal de budgetten van zijn flagships omvat.",
    ),
    "timeline": ("Tijdlijn", "Het start- en eindjaar."),
    "timeline.start": ("Startjaar", "Het jaar waarin het project begint."),
    "timeline.end": ("Eindjaar", "Het jaar waarin het project eindigt, niet vóór het startjaar."),
    "shares": ("Aandeel %", "Twee verdelingen die elk samen 100 zijn."),
    "shares.capital": ("Kapitaal", "Procent; Kapitaal + R&D = 100."),
    "shares.rnd": ("R&D", "Procent; Kapitaal + R&D = 100."),
    "shares.public": ("Publiek", "Procent; Publiek + Privaat = 100."),
    "shares.private": ("Privaat", "Procent; Publiek + Privaat = 100."),
    "readiness": ("Gereedheid", "Technologische gereedheid en gereedheid voor de markt."),
    "readiness.trl": ("Technology Readiness Level", "Van het laagste tot het hoogste niveau, 1 tot 9."),
    "readiness.trl.min": ("TRL van", "Het laagste niveau."),
    "readiness.trl.max": ("TRL tot en met", "Het hoogste niveau, niet lager dan 'TRL van'."),
    "readiness.market": ("Market Readiness Level", "Hoe ver het project op de markt is."),
    "preconditions": (
        "Randvoorwaarden",
        "Per randvoorwaarde: Relevant of Minder relevant. Leeg laten betekent: onbekend.",
    ),
    "organisations": ("Betrokken bedrijven en instellingen", "Mag leeg blijven."),
    "organisations.name": ("Naam", "De naam van de organisatie."),
    "organisations.role": ("Rol", "Optioneel: de rol in het project, in elke taal (penvoerder / lead)."),
    "organisations.url": ("Website", "Optioneel: een adres dat begint met https:// of http://."),
    "key_figures": ("Kerncijfers", "Optioneel: getallen die de teksten noemen."),
    "key_figures.value": ("Waarde", "Het getal zelf, zonder eenheid."),
    "key_figures.qualifier": ("Meer dan of circa", "Optioneel: als de tekst 'meer dan' of 'circa' zegt."),
    "key_figures.unit": ("Eenheid", "Wat het getal telt."),
    "key_figures.label": ("Omschrijving", "Wat het getal betekent, zonder het getal."),
    "key_figures.year": ("Jaar", "Optioneel: het jaar waar het getal over gaat."),
    "key_figures.source": ("Bron", "Optioneel: waar het getal vandaan komt."),
    "sources": ("Bronnen", "Optioneel: de documenten waar de kaart op berust."),
    "sources.title": ("Titel", "De naam van het document, in elke taal."),
    "sources.date": ("Datum", "Optioneel: wanneer het verscheen, als 2025, 2025-10 of 2025-10-01."),
    "sources.page": ("Pagina", "Optioneel: de pagina of pagina's, bijvoorbeeld 3-4."),
    "sources.url": ("Adres", "Optioneel: waar het document te lezen is; begint met https:// of http://."),
    "sources.note": ("Toelichting", "Optioneel: wat eruit is overgenomen, of wat verloren ging."),
    "unconfirmed": ("Niet bevestigd", "Optioneel: getallen die de bronnen niet bevestigen, met een notitie."),
    "unconfirmed.fields": ("Getallen", "Elk als veldpad, bijvoorbeeld shares.capital of key_figures[0].value."),
    "unconfirmed.note": ("Notitie", "Staat tussen haakjes achter elk van deze getallen."),
}
"""Per field (its path, list items without an index): the Dutch label and hint in the form."""

PRECONDITIONS = {
    "digital_infrastructure": "Digitale infrastructuur",
    "spatial_constraints": "Ruimtelijke beperkingen",
    "nitrogen_space": "Stikstofruimte",
    "test_capacity": "Testcapaciteit",
    "grid_congestion": "Netcongestie",
    "energy_costs": "Energiekosten",
    "labour_shortage": "Arbeidstekort",
    "talent": "Talent",
    "permits": "Vergunningen",
    "regulation": "Regelgeving",
    "regulatory_burden": "Regeldruk",
    "taxation": "Fiscaliteit",
    "financing": "Financiering",
    "launching_customer": "Launching customer",
    "certification": "Certificering",
    "other": "Overig",
}
GROUPS = {
    "infrastructure": "Infrastructuur",
    "energy": "Energie",
    "talent": "Talent",
    "regulation": "Wet- en regelgeving",
    "other": "Andere",
}
OPTIONS = {
    "programme": "Programma",
    "flagship": "Flagship",
    "exploration": "Verkenning",
    "partly_operational": "Deels operationeel",
    "operational": "Operationeel",
    "relevant": "Relevant",
    "less_relevant": "Minder relevant",
    "meur": "miljoen euro",
    "eur": "euro",
    "jobs": "banen",
    "fte": "fte",
    "percent": "procent",
    "multiplier": "keer",
    "count": "aantal",
    "more_than": "meer dan",
    "about": "circa",
}
"""The Dutch words for the model's choices, as on the Dutch sheet."""


def cms_config(languages: list[str], backend: dict[str, Any]) -> dict[str, Any]:
    """The whole configuration: ``backend`` (the repository and sign-in) plus the cards collection."""
    return {
        **backend,
        "locale": "nl",
        # Decap requires a media folder; cards hold no pictures, so nothing is ever written there.
        "media_folder": "data/media",
        "collections": [_collection(languages)],
    }


def cms_config_yaml(languages: list[str], backend: dict[str, Any]) -> str:
    header = "# Generated from the card model by `python build.py schema`: do not edit by hand.\n"
    header += "# The repository and sign-in come from templates/admin/backend.yml.\n"
    return header + yaml.safe_dump(cms_config(languages, backend), allow_unicode=True, sort_keys=False, width=120)


def _collection(languages: list[str]) -> dict[str, Any]:
    first = languages[0]
    return {
        "name": COLLECTION,
        "label": "Kaarten",
        "label_singular": "Kaart",
        "description": "Eén kaart per project: een programma of een van zijn flagships.",
        "folder": CARDS_FOLDER,
        "extension": "yml",
        "format": FORMAT,
        "create": True,
        "delete": False,
        "identifier_field": "id",
        "slug": "{{id}}",
        "summary": f"{{{{title.{first}}}}} ({{{{kind}}}})",
        "sortable_fields": ["id", f"title.{first}", "kind"],
        "editor": {"preview": True},
        "fields": _fields(Card, "", languages),
    }


def _fields(model: type[BaseModel], prefix: str, languages: list[str]) -> list[dict[str, Any]]:
    if model.__name__ == "Preconditions":
        return _preconditions(model)
    return [_field(name, info, prefix, languages) for name, info in model.model_fields.items()]


def _field(name: str, info: FieldInfo, prefix: str, languages: list[str]) -> dict[str, Any]:
    path = f"{prefix}{name}"
    label, hint = FIELDS[path]
    field: dict[str, Any] = {"name": name, "label": label, "hint": hint, "required": info.is_required()}
    annotation = plain_type(info.annotation)
    item = plain_type(get_args(annotation)[0]) if get_origin(annotation) is list else None
    if path == "parent":
        field.update(_programmes())
    elif get_origin(annotation) is Literal:
        field.update(widget="select", options=[_option(value) for value in get_args(annotation)])
    elif get_origin(annotation) is dict:
        field.update(_text(name, languages, required=info.is_required()))
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field.update(widget="object", collapsed=False, fields=_fields(annotation, f"{path}.", languages))
    elif isinstance(item, type) and issubclass(item, BaseModel):
        field.update(
            widget="list",
            allow_add=True,
            collapsed=True,
            summary=LIST_SUMMARIES[path].replace("%s", languages[0]),
            fields=_fields(item, f"{path}.", languages),
            **_bounds(info),
        )
    elif item is not None:
        field.update(widget="list", allow_add=True, field={"name": name, "label": label, "widget": "string"})
        field.update(_bounds(info))
    elif annotation is bool:
        field.update(widget="boolean", default=info.default)
    elif annotation in (int, float):
        field.update(widget="number", value_type="int" if annotation is int else "float", **_bounds(info))
    else:
        field.update(widget="string", **_pattern(info))
    return field


def _option(value: str) -> dict[str, str]:
    return {"label": OPTIONS[value], "value": value}


def _programmes() -> dict[str, Any]:
    """``parent`` chooses among the cards that are programmes."""
    return {
        "widget": "relation",
        "collection": COLLECTION,
        "value_field": "id",
        "search_fields": ["id", "title.nl"],
        "display_fields": ["title.nl"],
        "filters": [{"field": "kind", "values": ["programme"]}],
    }


def _text(name: str, languages: list[str], required: bool) -> dict[str, Any]:
    """A text per language: one input per language, side by side in one group."""
    subfields = []
    for code in languages:
        subfield: dict[str, Any] = {"name": code, "label": language_name(code, "nl"), "required": required}
        if name in MARKDOWN:
            subfield.update(
                widget="markdown",
                modes=["raw", "rich_text"],
                buttons=["bold", "italic", "link", "bulleted-list", "numbered-list", "quote"],
                editor_components=[],
            )
        elif name in FROM_EXISTING:
            subfield.update(
                widget="relation",
                collection=COLLECTION,
                value_field=f"{name}.{code}",
                search_fields=[f"{name}.{code}"],
                display_fields=[f"{name}.{code}"],
            )
        else:
            subfield["widget"] = "string"
        subfields.append(subfield)
    return {"widget": "object", "collapsed": False, "fields": subfields}


def _preconditions(model: type[BaseModel]) -> list[dict[str, Any]]:
    """The 16 conditions in their groups, each a choice that may stay empty (not assessed)."""
    group_of = {key: group for group, keys in PRECONDITION_GROUPS.items() for key in keys}
    return [
        {
            "name": name,
            "label": f"{GROUPS[group_of[name]]}: {PRECONDITIONS[name]}",
            "widget": "select",
            "required": False,
            "options": [_option(value) for value in get_args(plain_type(model.model_fields[name].annotation))],
        }
        for name in model.model_fields
    ]


def _bounds(info: FieldInfo, low: str = "min", high: str = "max") -> dict[str, Any]:
    """The model's numeric bounds (or list lengths) as the CMS's min and max; "greater than" as a pattern."""
    bounds: dict[str, Any] = {}
    for rule in info.metadata:
        if isinstance(rule, annotated_types.Ge | annotated_types.MinLen):
            bounds[low] = getattr(rule, "ge", getattr(rule, "min_length", None))
        elif isinstance(rule, annotated_types.Le | annotated_types.MaxLen):
            bounds[high] = getattr(rule, "le", getattr(rule, "max_length", None))
        elif isinstance(rule, annotated_types.Gt):
            bounds[low] = rule.gt
            bounds["pattern"] = [f"^(?!{rule.gt}$)", f"moet groter zijn dan {rule.gt}"]
    return bounds


def _pattern(info: FieldInfo) -> dict[str, Any]:
    """The pattern of the model's checked text types: a slug, a web address, one its JSON schema states."""
    rules = _metadata(info)
    stated = [_json_schema(rule)["pattern"] for rule in rules if "pattern" in _json_schema(rule)]
    if stated:
        return {"pattern": [stated[0], "niet in de vorm die de toelichting noemt"]}
    if _check_of(Slug) in rules:
        return {"pattern": [SLUG.pattern, "kleine letters a-z, cijfers en enkele streepjes"]}
    if _check_of(WebAddress) in rules:
        return {"pattern": [WEB_ADDRESS, "een adres dat begint met https:// of http://"]}
    return {}


def _json_schema(rule: Any) -> dict[str, Any]:
    return (rule.json_schema or {}) if isinstance(rule, WithJsonSchema) else {}


def _metadata(info: FieldInfo) -> list[Any]:
    """The field's rules, also those of an ``Annotated`` type inside ``… | None``."""
    rules = list(info.metadata)
    for arg in get_args(info.annotation):
        if get_origin(arg) is Annotated:
            rules += get_args(arg)[1:]
    return rules


def _check_of(alias: Any) -> AfterValidator:
    return next(rule for rule in get_args(alias)[1:] if isinstance(rule, AfterValidator))
