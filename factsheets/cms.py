"""The form editor's configuration (Decap CMS at ``/admin/``), generated from the card model.

``python build.py schema`` writes ``templates/admin/config.yml`` (the form in Dutch) and
``config.en.yml`` (in English) with the JSON schema and the guides; a test fails when they are stale
or when a model field has no form field. Each field's kind, bounds, options and required rule come
from the model; what the model cannot say (the label and hint an editor reads, in Dutch and English,
and which texts are Markdown) is in the tables below, and a field missing from them stops the
generation.

Texts (``{nl: …, en: …}``) are a group with one input per language, the languages side by side
(the widget ``side-by-side`` in ``templates/admin/cms.js``). The CMS's own translation support
(``i18n: structure: single_file``) would write ``nl:`` and ``en:`` at the top of the file, which is
not the card format, so the languages are ordinary fields of the group.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NamedTuple, TypeVar, get_args, get_origin

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

FIELDS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "id": (
        ("Id", "Kleine letters a-z, cijfers en enkele streepjes; wordt de bestandsnaam. Later niet meer wijzigen."),
        ("Id", "Lower-case letters a-z, digits and single hyphens; becomes the file name. Do not change it later."),
    ),
    "kind": (
        ("Soort", "Programma, of flagship (onderdeel van een programma)."),
        ("Kind", "Programme, or flagship (part of a programme)."),
    ),
    "parent": (
        ("Hoort bij programma", "Alleen voor een flagship: het programma waar het onder valt."),
        ("Belongs to programme", "Flagships only: the programme it is part of."),
    ),
    "order": (
        ("Volgorde", "Optioneel: de plaats tussen de kaarten van hetzelfde programma."),
        ("Order", "Optional: the place among the cards of the same programme."),
    ),
    "domain": (
        ("Domein", "Kies in elke taal een bestaand domein, of typ bewust een nieuw."),
        ("Domain", "In each language, choose an existing domain, or deliberately type a new one."),
    ),
    "subdomain": (
        ("Sub-domein", "Kies in elke taal een bestaand sub-domein, of typ bewust een nieuw."),
        ("Subdomain", "In each language, choose an existing subdomain, or deliberately type a new one."),
    ),
    "title": (("Titel", "De kop van de kaart."), ("Title", "The card's heading.")),
    "project_name": (
        ("Project naam", "De volledige naam van het project."),
        ("Project name", "The project's full name."),
    ),
    "summary": (
        ("Samenvatting", "De inleiding bovenaan de kaart, in Markdown."),
        ("Summary", "The introduction at the top of the card, in Markdown."),
    ),
    "relevance": (
        ("Strategische relevantie en maatschappelijke baten", "In Markdown: alinea's, lijsten, links."),
        ("Strategic relevance and societal benefits", "In Markdown: paragraphs, lists, links."),
    ),
    "dutch_partnerships": (
        ("Koppeling aan Nederlandse samenwerkingen", "In Markdown, bijvoorbeeld een lijst."),
        ("Links to Dutch partnerships", "In Markdown, for example a list."),
    ),
    "european_partnerships": (
        ("Koppeling aan Europese samenwerkingen", "In Markdown, bijvoorbeeld een lijst."),
        ("Links to European partnerships", "In Markdown, for example a list."),
    ),
    "budget": (
        ("Projectomvang", "Het totale budget van het project."),
        ("Project size", "The project's total budget."),
    ),
    "budget.total_meur": (
        ("Totaal in miljoen euro", "Groter dan 0; 1350 betekent € 1.350 miljoen."),
        ("Total in million euros", "Greater than 0; 1350 means € 1,350 million."),
    ),
    "budget.includes_flagships": (
        (
            "Inclusief de flagships",
            "Alleen voor een programma: aan als het totaal de budgetten van zijn flagships omvat.",
        ),
        ("Includes the flagships", "Programmes only: on when the total includes the budgets of its flagships."),
    ),
    "timeline": (("Tijdlijn", "Het start- en eindjaar."), ("Timeline", "The start and end year.")),
    "timeline.start": (
        ("Startjaar", "Het jaar waarin het project begint."),
        ("Start year", "The year the project starts."),
    ),
    "timeline.end": (
        ("Eindjaar", "Het jaar waarin het project eindigt, niet vóór het startjaar."),
        ("End year", "The year the project ends, not before the start year."),
    ),
    "shares": (
        ("Aandeel %", "Twee verdelingen die elk samen 100 zijn."),
        ("Share %", "Two splits that each add up to 100."),
    ),
    "shares.capital": (
        ("Kapitaal", "Procent; Kapitaal + R&D = 100."),
        ("Capital", "Percent; Capital + R&D = 100."),
    ),
    "shares.rnd": (("R&D", "Procent; Kapitaal + R&D = 100."), ("R&D", "Percent; Capital + R&D = 100.")),
    "shares.public": (
        ("Publiek", "Procent; Publiek + Privaat = 100."),
        ("Public", "Percent; Public + Private = 100."),
    ),
    "shares.private": (
        ("Privaat", "Procent; Publiek + Privaat = 100."),
        ("Private", "Percent; Public + Private = 100."),
    ),
    "readiness": (
        ("Gereedheid", "Technologische gereedheid en gereedheid voor de markt."),
        ("Readiness", "Technology readiness and market readiness."),
    ),
    "readiness.trl": (
        ("Technology Readiness Level", "Van het laagste tot het hoogste niveau, 1 tot 9."),
        ("Technology Readiness Level", "From the lowest to the highest level, 1 to 9."),
    ),
    "readiness.trl.min": (("TRL van", "Het laagste niveau."), ("TRL from", "The lowest level.")),
    "readiness.trl.max": (
        ("TRL tot en met", "Het hoogste niveau, niet lager dan 'TRL van'."),
        ("TRL up to", "The highest level, not lower than 'TRL from'."),
    ),
    "readiness.market": (
        ("Market Readiness Level", "Hoe ver het project op de markt is."),
        ("Market Readiness Level", "How far the project has come on the market."),
    ),
    "preconditions": (
        ("Randvoorwaarden", "Per randvoorwaarde: Relevant of Minder relevant. Leeg laten betekent: onbekend."),
        ("Preconditions", "Per precondition: Relevant or Less relevant. Left empty means: not assessed."),
    ),
    "organisations": (
        ("Betrokken bedrijven en instellingen", "Mag leeg blijven."),
        ("Companies and institutions involved", "May stay empty."),
    ),
    "organisations.name": (("Naam", "De naam van de organisatie."), ("Name", "The organisation's name.")),
    "organisations.role": (
        ("Rol", "Optioneel: de rol in het project, in elke taal (penvoerder / lead)."),
        ("Role", "Optional: the role in the project, in each language (penvoerder / lead)."),
    ),
    "organisations.url": (
        ("Website", "Optioneel: een adres dat begint met https:// of http://."),
        ("Website", "Optional: an address that starts with https:// or http://."),
    ),
    "key_figures": (
        ("Kerncijfers", "Optioneel: getallen die de teksten noemen."),
        ("Key figures", "Optional: numbers that the texts mention."),
    ),
    "key_figures.value": (
        ("Waarde", "Het getal zelf, zonder eenheid."),
        ("Value", "The number itself, without its unit."),
    ),
    "key_figures.qualifier": (
        ("Meer dan of circa", "Optioneel: als de tekst 'meer dan' of 'circa' zegt."),
        ("More than or about", "Optional: when the text says 'more than' or 'about'."),
    ),
    "key_figures.unit": (("Eenheid", "Wat het getal telt."), ("Unit", "What the number counts.")),
    "key_figures.label": (
        ("Omschrijving", "Wat het getal betekent, zonder het getal."),
        ("Description", "What the number means, without the number."),
    ),
    "key_figures.year": (
        ("Jaar", "Optioneel: het jaar waar het getal over gaat."),
        ("Year", "Optional: the year the number is about."),
    ),
    "key_figures.source": (
        ("Bron", "Optioneel: waar het getal vandaan komt."),
        ("Source", "Optional: where the number comes from."),
    ),
    "sources": (
        ("Bronnen", "Optioneel: de documenten waar de kaart op berust."),
        ("Sources", "Optional: the documents the card rests on."),
    ),
    "sources.title": (
        ("Titel", "De naam van het document, in elke taal."),
        ("Title", "The document's name, in each language."),
    ),
    "sources.date": (
        ("Datum", "Optioneel: wanneer het verscheen, als 2025, 2025-10 of 2025-10-01."),
        ("Date", "Optional: when it appeared, as 2025, 2025-10 or 2025-10-01."),
    ),
    "sources.page": (
        ("Pagina", "Optioneel: de pagina of pagina's, bijvoorbeeld 3-4."),
        ("Page", "Optional: the page or pages, for example 3-4."),
    ),
    "sources.url": (
        ("Adres", "Optioneel: waar het document te lezen is; begint met https:// of http://."),
        ("Address", "Optional: where the document can be read; starts with https:// or http://."),
    ),
    "sources.note": (
        ("Toelichting", "Optioneel: wat eruit is overgenomen, of wat verloren ging."),
        ("Note", "Optional: what was taken from it, or what was lost."),
    ),
    "unconfirmed": (
        ("Niet bevestigd", "Optioneel: getallen die de bronnen niet bevestigen, met een notitie."),
        ("Unconfirmed", "Optional: numbers that the sources do not confirm, with a note."),
    ),
    "unconfirmed.fields": (
        ("Getallen", "Elk als veldpad, bijvoorbeeld shares.capital of key_figures[0].value."),
        ("Numbers", "Each as a field path, for example shares.capital or key_figures[0].value."),
    ),
    "unconfirmed.note": (
        ("Notitie", "Staat tussen haakjes achter elk van deze getallen."),
        ("Note", "Shown in brackets after each of these numbers."),
    ),
}
"""Per field (its path, list items without an index): its label and hint in the form, in Dutch and in English."""

PRECONDITIONS = {
    "digital_infrastructure": ("Digitale infrastructuur", "Digital infrastructure"),
    "spatial_constraints": ("Ruimtelijke beperkingen", "Spatial constraints"),
    "nitrogen_space": ("Stikstofruimte", "Nitrogen deposition space"),
    "test_capacity": ("Testcapaciteit", "Test capacity"),
    "grid_congestion": ("Netcongestie", "Grid congestion"),
    "energy_costs": ("Energiekosten", "Energy costs"),
    "labour_shortage": ("Arbeidstekort", "Labour shortage"),
    "talent": ("Talent", "Talent"),
    "permits": ("Vergunningen", "Permits"),
    "regulation": ("Regelgeving", "Regulation"),
    "regulatory_burden": ("Regeldruk", "Regulatory burden"),
    "taxation": ("Fiscaliteit", "Taxation"),
    "financing": ("Financiering", "Financing"),
    "launching_customer": ("Launching customer", "Launching customer"),
    "certification": ("Certificering", "Certification"),
    "other": ("Overig", "Other"),
}
GROUPS = {
    "infrastructure": ("Infrastructuur", "Infrastructure"),
    "energy": ("Energie", "Energy"),
    "talent": ("Talent", "Talent"),
    "regulation": ("Wet- en regelgeving", "Laws and regulations"),
    "other": ("Andere", "Other"),
}
OPTIONS = {
    "programme": ("Programma", "Programme"),
    "flagship": ("Flagship", "Flagship"),
    "exploration": ("Verkenning", "Exploration"),
    "partly_operational": ("Deels operationeel", "Partly operational"),
    "operational": ("Operationeel", "Operational"),
    "relevant": ("Relevant", "Relevant"),
    "less_relevant": ("Minder relevant", "Less relevant"),
    "meur": ("miljoen euro", "million euros"),
    "eur": ("euro", "euros"),
    "jobs": ("banen", "jobs"),
    "fte": ("fte", "FTE"),
    "percent": ("procent", "per cent"),
    "multiplier": ("keer", "times"),
    "count": ("aantal", "count"),
    "more_than": ("meer dan", "more than"),
    "about": ("circa", "about"),
}
"""The words for the model's choices, in Dutch and in English."""


INTERFACE_LANGUAGES = ("nl", "en")
"""The form's interface languages, in the order of the pairs in the tables above (Dutch first)."""
COLLECTION_TEXTS = {
    "label": ("Kaarten", "Cards"),
    "label_singular": ("Kaart", "Card"),
    "description": (
        "Eén kaart per project: een programma of een van zijn flagships.",
        "One card per project: a programme or one of its flagships.",
    ),
}
PATTERN_TEXTS = {
    "stated": ("niet in de vorm die de toelichting noemt", "not in the form the hint names"),
    "slug": ("kleine letters a-z, cijfers en enkele streepjes", "lower-case letters a-z, digits and single hyphens"),
    "web_address": ("een adres dat begint met https:// of http://", "an address that starts with https:// or http://"),
    "greater_than": ("moet groter zijn dan {bound}", "must be greater than {bound}"),
}
"""What the form says when a value does not match the model's pattern."""
PAGE_TITLE = ("Kaarten bewerken", "Edit the cards")
"""The title of the form editor's page."""
EXISTING_OR_NEW = "existing-or-new"
"""The widget (``templates/admin/cms.js``) that offers the other cards' values and a deliberate new one."""
SIDE_BY_SIDE = "side-by-side"
"""The widget (``templates/admin/cms.js``) of a text: Decap's object widget, its fields (one per language) side by
side where the form is wide enough, one under the other on a phone; the value is the same map as an object's."""


def interface_words(pair: tuple[Words, Words], interface: str) -> Words:
    """The interface language's half of a (Dutch, English) pair from the tables above."""
    return pair[INTERFACE_LANGUAGES.index(interface)]


Words = TypeVar("Words")


class _Form(NamedTuple):
    """What one configuration is for: the cards' text languages and the form's interface language."""

    languages: list[str]
    interface: str

    def words(self, pair: tuple[str, str]) -> str:
        return interface_words(pair, self.interface)

    @property
    def shown_language(self) -> str:
        """The text language a list or a relation shows: the interface's when the cards have it."""
        return self.interface if self.interface in self.languages else self.languages[0]


def cms_config(languages: list[str], backend: dict[str, Any], interface: str = "nl") -> dict[str, Any]:
    """The whole configuration in one interface language: ``backend`` (the repository and sign-in) plus
    the cards collection."""
    return {
        **backend,
        "locale": interface,
        # Decap requires a media folder; cards hold no pictures, so nothing is ever written there.
        "media_folder": "data/media",
        "collections": [_collection(_Form(languages, interface))],
    }


def config_file_name(interface: str) -> str:
    """``config.yml`` for Dutch, ``config.en.yml`` for English: the files in ``templates/admin``."""
    return "config.yml" if interface == INTERFACE_LANGUAGES[0] else f"config.{interface}.yml"


def cms_config_yaml(languages: list[str], backend: dict[str, Any], interface: str = "nl") -> str:
    header = "# Generated from the card model by `python build.py schema`: do not edit by hand.\n"
    header += "# The repository and sign-in come from templates/admin/backend.yml.\n"
    config = cms_config(languages, backend, interface)
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=120)


def _collection(form: _Form) -> dict[str, Any]:
    shown = form.shown_language
    return {
        "name": COLLECTION,
        **{key: form.words(pair) for key, pair in COLLECTION_TEXTS.items()},
        "folder": CARDS_FOLDER,
        "extension": "yml",
        "format": FORMAT,
        "create": True,
        "delete": False,
        "identifier_field": "id",
        "slug": "{{id}}",
        "summary": f"{{{{title.{shown}}}}} ({{{{kind}}}})",
        "sortable_fields": ["id", f"title.{shown}", "kind"],
        "editor": {"preview": True},
        "fields": _fields(Card, "", form),
    }


def _fields(model: type[BaseModel], prefix: str, form: _Form) -> list[dict[str, Any]]:
    if model.__name__ == "Preconditions":
        return _preconditions(model, form)
    return [_field(name, info, prefix, form) for name, info in model.model_fields.items()]


def _field(name: str, info: FieldInfo, prefix: str, form: _Form) -> dict[str, Any]:
    path = f"{prefix}{name}"
    label, hint = form.words(FIELDS[path])
    field: dict[str, Any] = {"name": name, "label": label, "hint": hint, "required": info.is_required()}
    annotation = plain_type(info.annotation)
    item = plain_type(get_args(annotation)[0]) if get_origin(annotation) is list else None
    if path == "parent":
        field.update(_programmes(form))
    elif get_origin(annotation) is Literal:
        field.update(widget="select", options=[_option(value, form) for value in get_args(annotation)])
    elif get_origin(annotation) is dict:
        field.update(_text(name, form, required=info.is_required()))
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field.update(widget="object", collapsed=False, fields=_fields(annotation, f"{path}.", form))
    elif isinstance(item, type) and issubclass(item, BaseModel):
        field.update(
            widget="list",
            allow_add=True,
            collapsed=True,
            summary=LIST_SUMMARIES[path].replace("%s", form.shown_language),
            fields=_fields(item, f"{path}.", form),
            **_bounds(info, form),
        )
    elif item is not None:
        field.update(widget="list", allow_add=True, field={"name": name, "label": label, "widget": "string"})
        field.update(_bounds(info, form))
    elif annotation is bool:
        field.update(widget="boolean", default=info.default)
    elif annotation in (int, float):
        field.update(widget="number", value_type="int" if annotation is int else "float", **_bounds(info, form))
    else:
        field.update(widget="string", **_pattern(info, form))
    return field


def _option(value: str, form: _Form) -> dict[str, str]:
    return {"label": form.words(OPTIONS[value]), "value": value}


def _programmes(form: _Form) -> dict[str, Any]:
    """``parent`` chooses among the cards that are programmes."""
    title = f"title.{form.shown_language}"
    return {
        "widget": "relation",
        "collection": COLLECTION,
        "value_field": "id",
        "search_fields": ["id", title],
        "display_fields": [title],
        "filters": [{"field": "kind", "values": ["programme"]}],
    }


def _text(name: str, form: _Form, required: bool) -> dict[str, Any]:
    """A text per language: one input per language, side by side in one group."""
    subfields = []
    for code in form.languages:
        subfield: dict[str, Any] = {
            "name": code,
            "label": language_name(code, form.interface),
            "required": required,
        }
        if name in MARKDOWN:
            subfield.update(
                widget="markdown",
                modes=["raw", "rich_text"],
                buttons=["bold", "italic", "link", "bulleted-list", "numbered-list", "quote"],
                editor_components=[],
            )
        elif name in FROM_EXISTING:
            # The other cards' names in this language, or a new one typed on purpose; one that differs from
            # an existing name only in capitals, spacing or accents is refused, as `check` refuses it.
            subfield.update(widget=EXISTING_OR_NEW, collection=COLLECTION, value_field=f"{name}.{code}")
        else:
            subfield["widget"] = "string"
        subfields.append(subfield)
    return {"widget": SIDE_BY_SIDE, "fields": subfields}


def _preconditions(model: type[BaseModel], form: _Form) -> list[dict[str, Any]]:
    """The 16 conditions in their groups, each a choice that may stay empty (not assessed)."""
    group_of = {key: group for group, keys in PRECONDITION_GROUPS.items() for key in keys}
    return [
        {
            "name": name,
            "label": f"{form.words(GROUPS[group_of[name]])}: {form.words(PRECONDITIONS[name])}",
            "widget": "select",
            "required": False,
            "options": [_option(value, form) for value in get_args(plain_type(model.model_fields[name].annotation))],
        }
        for name in model.model_fields
    ]


def _bounds(info: FieldInfo, form: _Form) -> dict[str, Any]:
    """The model's numeric bounds (or list lengths) as the CMS's min and max; "greater than" as a pattern."""
    bounds: dict[str, Any] = {}
    for rule in info.metadata:
        if isinstance(rule, annotated_types.Ge | annotated_types.MinLen):
            bounds["min"] = getattr(rule, "ge", getattr(rule, "min_length", None))
        elif isinstance(rule, annotated_types.Le | annotated_types.MaxLen):
            bounds["max"] = getattr(rule, "le", getattr(rule, "max_length", None))
        elif isinstance(rule, annotated_types.Gt):
            bounds["min"] = rule.gt
            bounds["pattern"] = [f"^(?!{rule.gt}$)", form.words(PATTERN_TEXTS["greater_than"]).format(bound=rule.gt)]
    return bounds


def _pattern(info: FieldInfo, form: _Form) -> dict[str, Any]:
    """The pattern of the model's checked text types: a slug, a web address, one its JSON schema states."""
    rules = _metadata(info)
    stated = [_json_schema(rule)["pattern"] for rule in rules if "pattern" in _json_schema(rule)]
    if stated:
        return {"pattern": [stated[0], form.words(PATTERN_TEXTS["stated"])]}
    if _check_of(Slug) in rules:
        return {"pattern": [SLUG.pattern, form.words(PATTERN_TEXTS["slug"])]}
    if _check_of(WebAddress) in rules:
        return {"pattern": [WEB_ADDRESS, form.words(PATTERN_TEXTS["web_address"])]}
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
