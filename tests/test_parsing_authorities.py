"""Authority names as printed, matched exactly (never by substring) to DfE LA codes."""

import pytest

from inspections.parsing import authority_aliases, name_key
from inspections.parsing.authorities import lookup
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
