"""Every authority of the reference, in every style of its name, in every framework's title
block: the parser names that authority and no other, whether or not a report of it was ever
seen. Built from the reference file alone (no database), so a new or renamed authority is tested
the day it is added."""

import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from inspections.parsing import authority_aliases, parse_document
from inspections.parsing.authorities import STYLES, name_key, place_name, short_form

REFERENCE = Path(__file__).resolve().parent.parent / "authorities/data/local_authorities.csv"
with REFERENCE.open(encoding="utf-8") as f:
    ROWS = list(csv.DictReader(f))

FIELDS = "Inspection dates: 2 to 13 December 2019\nLead inspector: Gil Example, HMI\n"
# Each framework's title block, with {name} where it prints the authority. Councils print
# their name above the title (SIF, LSCB) or Ofsted puts it in the title (ILACS, visits) or
# under it (SLAC, LAC); a visit letter has the council in its address and its heading.
LAYOUTS = {
    "ILACS": "Inspection of {name} local authority children’s services\n" + FIELDS,
    "ILACS, council above": "{name}\nInspection of local authority children’s services\n" + FIELDS,
    "SIF": "{name}\nInspection of services for children in need of help and\nprotection, "
    "children looked after and care leavers\nand\nReview of the effectiveness of the Local "
    "Safeguarding Children\nBoard1\nInspection date: 1/06/2015 – 25/06/2015\n",
    "SLAC": "Inspection of safeguarding and looked after children services\n{name}\n" + FIELDS,
    "LAC": "Inspection of looked after children services\n{name}\n" + FIELDS,
    "LSCB review": "{name}\nReview of the effectiveness of the Local Safeguarding Children "
    "Board\n" + FIELDS,
    "focused visit letter": "Ofsted\nPiccadilly Gate\nStore Street\nManchester M1 2WD\n"
    "12 March 2020\nGil Example\nDirector of Children’s Services\n{name}\nCivic Centre\n"
    "Dear Gil\nFocused visit to {name} local authority children’s services\n"
    "This letter summarises the findings of the focused visit.\n",
    "monitoring visit letter": "Ofsted\nPiccadilly Gate\nManchester M1 2WD\n4 May 2021\n"
    "Dear Gil\nMonitoring visit to {name} children’s services\n"
    "This letter summarises the findings of the monitoring visit.\n",
}


@cache
def aliases():
    return authority_aliases(ROWS)


def _names(row) -> list[str]:
    return [n.strip() for n in [row["name"], *row["aliases"].split(";")] if n.strip()]


def _exact(name: str) -> str:
    return " ".join(name.replace("&", " and ").replace("’", "'").lower().split())


@cache
def reference_names() -> dict[str, set[str]]:
    """Each name or alias as the reference prints it, to the authorities it names."""
    names = defaultdict(set)
    for row in ROWS:
        for name in _names(row):
            names[_exact(name)].add(row["la_code"])
    return names


@cache
def short_forms() -> dict[str, set[str]]:
    shorts = defaultdict(set)
    for row in ROWS:
        short = short_form(row["name"])
        if short:
            shorts[name_key(short)].add(row["la_code"])
    return shorts


def styles(row) -> dict[str, set[str]]:
    """Every style of an authority's name, to the authorities it may name (its own code, or
    all who share the name). A style that is exactly another authority's reference name is
    that authority's ("Dorset County Council") and is left to that authority's test."""
    code = row["la_code"]
    printed = {}
    for name in _names(row):
        printed[name] = reference_names()[_exact(name)]
    for style in STYLES:
        printed.setdefault(style.format(place_name(row["name"])), {code})
    short = short_form(row["name"])
    if short and not any(name_key(short) == name_key(n) for r in ROWS for n in _names(r)):
        for style in ("{}", "{} Council"):
            printed.setdefault(style.format(short), short_forms()[name_key(short)])
    for name in list(printed):
        if " and " in name:
            printed.setdefault(name.replace(" and ", " & "), printed[name])
    return {
        name: codes
        for name, codes in printed.items()
        if reference_names().get(_exact(name), codes) == codes
        and (_exact(name) in reference_names() or len(name_keys().get(name_key(name), ())) < 2)
    }


@cache
def name_keys() -> dict[str, set[str]]:
    """Reference names as compared: two authorities share one only when a council succeeded
    one of the same place (Dorset County Council and Dorset Council), tested below."""
    keys = defaultdict(set)
    for row in ROWS:
        for name in _names(row):
            keys[name_key(name)].add(row["la_code"])
    return keys


def read(layout: str, name: str):
    text = LAYOUTS[layout].format(name=name)
    return parse_document([text], source="title.pdf", paged=True, authorities=aliases())


def test_every_reference_authority_has_styles():
    assert len(ROWS) > 150
    # Not vacuous: each authority is tried in (nearly) every style; Dorset Council and Dorset
    # County Council share all but their exact names.
    assert all(styles(row) for row in ROWS)
    assert sum(len(styles(row)) for row in ROWS) >= len(ROWS) * len(STYLES) * 0.95


@pytest.mark.parametrize("row", ROWS, ids=lambda row: f"{row['la_code']}-{row['name']}")
def test_every_style_of_every_authority_names_it_and_no_other(row):
    wrong = []
    for name, codes in styles(row).items():
        for layout in LAYOUTS:
            doc = read(layout, name)
            if len(codes) == 1 and doc.authority_code != row["la_code"]:
                wrong.append(f"{layout}: {name!r} read as {doc.authority_code}")
            elif len(codes) > 1 and (doc.authority_code or set(doc.authority_candidates) != codes):
                # A name several authorities share is flagged for a person, never picked.
                wrong.append(f"{layout}: shared {name!r} read as {doc.authority_code}")
    assert wrong == []


@pytest.mark.parametrize(
    "title, code",
    [
        # The longest name in the title block wins: the council above names BCP, not Poole.
        ("Bournemouth, Christchurch and Poole Council\nInspection of Poole local authority "
         "children’s services", "839"),
        # A trust shared by two councils, and the council's own name: the council.
        ("Achieving for Children\nInspection of Richmond upon Thames local authority "
         "children’s services", "318"),
        ("Dorset County Council\nInspection of services for children in need of help and "
         "protection", "835"),
        ("Dorset Council\nInspection of Dorset local authority children’s services", "838"),
    ],
)  # fmt: skip
def test_the_longest_name_in_the_title_block_wins(title, code):
    doc = parse_document([f"{title}\n{FIELDS}"], source="t.pdf", paged=True, authorities=aliases())
    assert doc.authority_code == code


def test_two_authorities_named_alike_are_flagged_not_picked():
    title = "Inspection of Kingston local authority children’s services\n" + FIELDS
    doc = parse_document([title], source="t.pdf", paged=True, authorities=aliases())
    assert doc.authority_code is None
    assert doc.authority_candidates == ("314", "810")
    assert any("more than one authority" in r for r in doc.review_reasons)
