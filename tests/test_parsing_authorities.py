"""Authority names as printed, matched exactly (never by substring) to DfE LA codes."""

import pytest

from inspections.parsing import authority_aliases, name_key, parse_document
from inspections.parsing.authorities import candidates, lookup
from tests.fixtures.parsing import AUTHORITIES, AUTHORITY_ROWS


@pytest.mark.parametrize(
    "printed, code",
    [
        ("Hampshire County Council", "850"),
        ("HAMPSHIRE COUNTY COUNCIL**Report**", "850"),
        ("Poole", "836"),
        ("Borough of Poole", "836"),
        ("Bournemouth, Christchurch and Poole", "839"),
        ("Bournemouth, Christchurch & Poole", "839"),
        ("Bournemouth,\nChristchurch and Poole", "839"),
        ("the Isle of Wight", "921"),
        ("Bristol City Council", "801"),
        ("City of Bristol", "801"),
        ("Westshire", "999"),
        ("Christchurch", None),
        ("Poole Harbour Commissioners", None),
    ],
)
def test_lookup_matches_whole_names(printed, code):
    assert lookup(printed, AUTHORITIES) == code


def test_lookup_accepts_a_mapping_keyed_by_raw_names():
    raw = {"Bournemouth, Christchurch & Poole": "839", "Poole": "836"}
    assert lookup("Bournemouth, Christchurch and Poole", raw) == "839"


@pytest.mark.parametrize(
    "name, key",
    [("Bristol, City of", "bristol"), ("Kingston Upon Hull, City of", "kingston upon hull"),
     ("Children’s Trust", "children's trust"), ("Norfolk County Council", "norfolk")],
)  # fmt: skip
def test_name_key(name, key):
    assert name_key(name) == key


def test_authority_aliases_maps_names_and_aliases():
    aliases = authority_aliases(AUTHORITY_ROWS)
    assert aliases["bcp"] == "839"
    assert aliases["poole"] == "836"
    assert aliases["bournemouth christchurch and poole"] == "839"


# Rows as the reference CSV (authorities/data/local_authorities.csv) prints them.
REFERENCE_ROWS = [
    {"la_code": "838", "name": "Dorset", "aliases": "Dorset Council"},
    {"la_code": "835", "name": "Dorset County Council", "aliases": "Dorset County"},
    {"la_code": "314", "name": "Kingston upon Thames", "aliases": "Achieving for Children"},
    {"la_code": "318", "name": "Richmond upon Thames", "aliases": "Achieving for Children"},
    {"la_code": "810", "name": "Kingston Upon Hull, City of", "aliases": "Hull; Hull City Council"},
    {"la_code": "894", "name": "Telford and Wrekin", "aliases": ""},
    {"la_code": "882", "name": "Southend-on-Sea"},
]


@pytest.mark.parametrize(
    "printed, codes",
    [
        # A name printed exactly as the reference has it is that authority, though its place
        # name is another's too.
        ("Dorset County Council", ("835",)),
        ("Dorset Council", ("838",)),
        ("Hull City Council", ("810",)),
        # A trust that runs two councils' services is either.
        ("Achieving for Children", ("314", "318")),
        # The short form Ofsted prints for a place that divides, shared where two places share it.
        ("Telford", ("894",)),
        ("Southend", ("882",)),
        ("Richmond", ("318",)),
        ("Kingston", ("314", "810")),
        ("Wrekin", ()),
    ],
)
def test_authority_aliases_give_every_code_a_printed_name_may_be(printed, codes):
    assert candidates(printed, authority_aliases(REFERENCE_ROWS)) == codes


@pytest.mark.parametrize(
    "title, authority",
    [
        # Only a shared name: a person chooses between the codes it may be.
        ("Achieving for Children\nInspection of local authority children’s services",
         (None, "Achieving for Children", ("314", "318"))),
        # Two shared names with one authority in common: that authority.
        ("Achieving for Children\nInspection of Kingston local authority children’s services",
         ("314", "Kingston", ())),
        # Two names as long as each other, of two authorities: neither is picked.
        ("Southend\nInspection of Richmond local authority children’s services",
         (None, "Richmond / Southend", ("318", "882"))),
    ],
)  # fmt: skip
def test_a_title_block_that_names_no_one_authority_leaves_the_choice(title, authority):
    page = f"{title}\nInspection dates: 2 to 13 December 2024\n"
    aliases = authority_aliases(REFERENCE_ROWS)
    doc = parse_document([page], source="t.pdf", paged=True, authorities=aliases)
    assert (doc.authority_code, doc.authority_as_printed, doc.authority_candidates) == authority
