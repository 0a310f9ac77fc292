import io
import re

import pytest
from django.core.management import call_command

from authorities.models import LocalAuthority, PeerGroup, StatisticalNeighbour

pytestmark = pytest.mark.django_db


def _snapshot():
    return (
        list(LocalAuthority.objects.order_by("la_code").values()),
        list(StatisticalNeighbour.objects.order_by("pk").values()),
        list(LocalAuthority.successors.through.objects.order_by("pk").values()),
        list(PeerGroup.objects.values("slug", "authorities__la_code").order_by("slug", "pk")),
    )


def test_load_authorities_twice_gives_the_same_rows(authorities):
    first = _snapshot()
    call_command("load_authorities", stdout=io.StringIO())
    assert _snapshot() == first
    assert len(first[0]) > 150  # every English authority plus predecessors


@pytest.mark.parametrize(
    "predecessor, successors",
    [("836", {"839"}), ("837", {"839"}), ("835", {"838"}), ("928", {"940", "941"}),
     ("909", {"942", "943"})],
)  # fmt: skip
def test_lineage_of_reorganised_authorities(authorities, predecessor, successors):
    authority = LocalAuthority.objects.get(la_code=predecessor)
    assert not authority.is_current
    assert {a.la_code for a in authority.successors.all()} == successors


def test_lineage_walks_back_through_predecessors(bcp):
    assert {a.name for a in bcp.lineage()} == {
        "Bournemouth, Christchurch and Poole",
        "Bournemouth",
        "Poole",
    }


def test_neighbour_lists_keep_their_model_version(hampshire):
    links = StatisticalNeighbour.objects.filter(authority=hampshire)
    current = list(links.filter(model_version="current").values_list("rank", flat=True))
    previous = list(links.filter(model_version="previous").values_list("rank", flat=True))
    assert current == list(range(1, 11))
    assert previous == list(range(1, 11))
    assert set(
        links.filter(model_version="current").values_list("neighbour__la_code", flat=True)
    ) != set(links.filter(model_version="previous").values_list("neighbour__la_code", flat=True))


def test_hampshire_and_peers_group_is_shipped(hampshire):
    group = PeerGroup.objects.get(slug="hampshire-and-peers")
    assert group.focus == hampshire
    assert {a.name for a in group.authorities.all()} == {
        "Hampshire",
        "Poole",
        "Bournemouth, Christchurch and Poole",
        "Southampton",
    }


def test_aliases_are_loaded(authorities):
    poole = LocalAuthority.objects.get(la_code="836")
    assert "Borough of Poole" in poole.aliases


def test_every_current_authority_has_a_hexagon_of_its_own(authorities):
    current = list(LocalAuthority.objects.current().values_list("name", "hex_q", "hex_r"))
    assert [name for name, q, r in current if q is None or r is None] == []
    assert len({(q, r) for _, q, r in current}) == len(current)
    former = LocalAuthority.objects.exclude(existed_until=None)
    assert former.exists()
    assert not former.exclude(hex_q=None).exists()


def test_every_current_authority_has_a_label_of_three_letters_of_its_own(authorities):
    """The hex map's labels: three capitals, one per current authority, none shared; a former
    authority (no hexagon) has none."""
    codes = dict(LocalAuthority.objects.current().values_list("name", "short_code"))
    assert [name for name, code in codes.items() if not re.fullmatch(r"[A-Z]{3}", code)] == []
    assert len(set(codes.values())) == len(codes) == 153
    assert (codes["Hampshire"], codes["Southampton"], codes["Stoke-on-Trent"]) == (
        "HAM",
        "STH",
        "STE",
    )
    assert not LocalAuthority.objects.exclude(existed_until=None).exclude(short_code="").exists()
