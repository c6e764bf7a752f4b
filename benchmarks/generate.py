"""Write a synthetic portfolio of N cards: programmes with flagships, spread over several domains.

The texts are the real cards' texts, so sheets and pages have realistic
length; ids, titles, domains and figures vary. Usage:

    python benchmarks/generate.py 100 /tmp/portfolio-100   # writes /tmp/portfolio-100/data
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = [
    ("Life sciences en Biotech", "Life Sciences and Biotech"),
    ("Energie en Klimaat", "Energy and Climate"),
    ("Digitale technologie", "Digital Technology"),
    ("Landbouw en Voedsel", "Agriculture and Food"),
    ("Mobiliteit", "Mobility"),
    ("Water en Delta", "Water and Delta"),
    ("Bouw en Wonen", "Construction and Housing"),
    ("Quantum en Fotonica", "Quantum and Photonics"),
]
FLAGSHIPS_PER_PROGRAMME = 4
MARKS = ["relevant", "less_relevant", None]


def generate(count: int, target: Path, seed: int = 7) -> Path:
    """Write ``target/data`` (site.yml and ``count`` cards) and return it."""
    rng = random.Random(seed)
    data = target / "data"
    if data.exists():
        shutil.rmtree(data)
    (data / "cards").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "site.yml", data / "site.yml")
    real = [yaml.safe_load(path.read_text()) for path in sorted((ROOT / "data" / "cards").glob("*.yml"))]
    programme_count = max(1, round(count / (FLAGSHIPS_PER_PROGRAMME + 1)))
    written = 0
    for number in range(programme_count):
        domain = DOMAINS[number % len(DOMAINS)]
        flagships = min(FLAGSHIPS_PER_PROGRAMME, count - written - (programme_count - number))
        budgets = [rng.randrange(100, 2500) for _ in range(flagships)]
        programme_id = f"programma-{number + 1:03d}"
        _write(data, _card(rng, real[0], programme_id, "programme", None, number + 1, domain,
                           sum(budgets) + rng.randrange(500, 20_000), bool(flagships)))  # fmt: skip
        written += 1
        for index, budget in enumerate(budgets):
            card_id = f"{programme_id}-flagship-{index + 1}"
            _write(data, _card(rng, real[1 + index % 3], card_id, "flagship", programme_id, index + 1, domain, budget))
            written += 1
    return data


def _card(rng: random.Random, base: dict, card_id: str, kind: str, parent: str | None, order: int,
          domain: tuple[str, str], total: int, includes: bool = False) -> dict:  # fmt: skip
    card = dict(base)
    start = rng.randrange(2024, 2031)
    trl_min = rng.randrange(1, 9)
    capital, public = rng.randrange(0, 101), rng.randrange(0, 101)
    label = card_id.replace("-", " ").title()
    card.update(
        id=card_id, kind=kind, order=order,
        domain={"nl": domain[0], "en": domain[1]}, subdomain={"nl": domain[0], "en": domain[1]},
        title={"nl": label, "en": label},
        project_name={"nl": f"Project {label}", "en": f"Project {label}"},
        budget={"total_meur": total, **({"includes_flagships": True} if includes else {})},
        timeline={"start": start, "end": start + rng.randrange(0, 11)},
        shares={"capital": capital, "rnd": 100 - capital, "public": public, "private": 100 - public},
        readiness={"trl": {"min": trl_min, "max": rng.randrange(trl_min, 10)},
                   "market": rng.choice(["exploration", "partly_operational", "operational"])},
        preconditions={name: mark for name in ("digital_infrastructure", "grid_congestion", "talent", "permits",
                                               "financing") if (mark := rng.choice(MARKS))},
    )  # fmt: skip
    card.pop("parent", None)
    if parent:
        card["parent"] = parent
    return card


def _write(data: Path, card: dict) -> None:
    path = data / "cards" / f"{card['id']}.yml"
    path.write_text(yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    print(generate(int(sys.argv[1]), Path(sys.argv[2])))
