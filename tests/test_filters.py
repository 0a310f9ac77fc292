"""The dashboards' filter forms (dashboards/filters.py, forms.py): what each filter chooses
and how the choice is described."""

from datetime import date

import pytest
from django import forms
from django.http import QueryDict
from django.test.html import parse_html

from authorities.models import LocalAuthority, PeerGroup, StatisticalNeighbour
from dashboards.filters import ExportFilter, JudgementFilter
from dashboards.forms import MapForm, PeerForm, QuickSelect, QuickSelectMultiple, regions
from dashboards.forms import successor_query as _successor_query
from inspections.models import Judgement
from tests.factories import make_inspection, make_judgement

pytestmark = pytest.mark.django_db

BCP = "bournemouth-christchurch-and-poole"
REGIONS = [
    "East Midlands",
    "East of England",
    "London",
    "North East",
    "North West",
    "South East",
    "South West",
    "West Midlands",
    "Yorkshire and the Humber",
]
# Hampshire's ten statistical neighbours under the current DfE model, closest first.
HAMPSHIRE_NEIGHBOURS = [
    "Wiltshire",
    "North Somerset",
    "Gloucestershire",
    "West Sussex",
    "West Berkshire",
    "Bracknell Forest",
    "South Gloucestershire",
    "Warwickshire",
    "Oxfordshire",
    "Leicestershire",
]


def _filter(query="", cls=JudgementFilter, **kwargs):
    """A filterset bound to a query string, checked as a view checks it."""
    filterset = cls(QueryDict(query), **kwargs)
    filterset.is_valid()
    return filterset


def _names(authorities):
    return [a.name for a in authorities]


# JudgementForm: which authorities are chosen


@pytest.mark.parametrize(
    "query, chosen",
    [
        # A peer group: its focus first, then its members by name.
        (
            "group=hampshire-and-peers",
            ["Hampshire", "Bournemouth, Christchurch and Poole", "Poole", "Southampton"],
        ),
        # Authorities picked by name come in name order, whatever order the query names them.
        ("authority=southampton&authority=hampshire", ["Hampshire", "Southampton"]),
        # The authorities picked by name come before the group's, each authority once.
        (
            "authority=kent&authority=southampton&group=hampshire-and-peers",
            ["Kent", "Southampton", "Hampshire", "Bournemouth, Christchurch and Poole", "Poole"],
        ),
        # Neighbours: the authority itself, then its neighbours closest first.
        ("neighbours_of=hampshire&neighbour_model=current", ["Hampshire", *HAMPSHIRE_NEIGHBOURS]),
        # A region narrows what the other fields chose.
        (
            "group=hampshire-and-peers&region=South+West",
            ["Bournemouth, Christchurch and Poole", "Poole"],
        ),
        (
            "neighbours_of=hampshire&neighbour_model=current&region=South+East",
            ["Hampshire", "West Sussex", "West Berkshire", "Bracknell Forest", "Oxfordshire"],
        ),
        ("authority=kent&authority=poole&region=South+East", ["Kent"]),
    ],
)
def test_the_authorities_chosen_add_up_and_a_region_narrows_them(authorities, query, chosen):
    assert _names(_filter(query).chosen()) == chosen


def test_neighbours_add_to_a_peer_group(authorities):
    chosen = _filter("group=hampshire-and-peers&neighbours_of=southampton&neighbour_model=current")
    assert _names(chosen.chosen()) == [
        *["Hampshire", "Bournemouth, Christchurch and Poole", "Poole", "Southampton"],
        *["Coventry", "Derby", "Portsmouth", "Sheffield", "Hillingdon", "Salford"],
        *["Peterborough", "Leeds", "Bolton", "Waltham Forest"],
    ]


def test_the_neighbours_are_read_in_one_query(authorities, django_assert_max_num_queries):
    filterset = JudgementFilter(QueryDict("neighbours_of=hampshire&neighbour_model=current"))
    with django_assert_max_num_queries(2):  # the authority named, then its neighbours
        assert filterset.is_valid()
        assert _names(filterset.chosen()) == ["Hampshire", *HAMPSHIRE_NEIGHBOURS]


def test_the_previous_neighbour_model_gives_its_own_neighbours(authorities):
    chosen = _filter("neighbours_of=hampshire&neighbour_model=previous").chosen()
    assert _names(chosen) == [
        *["Hampshire", "Cambridgeshire", "Central Bedfordshire", "Gloucestershire"],
        *["Hertfordshire", "Leicestershire", "North Somerset", "South Gloucestershire"],
        *["Warwickshire", "West Sussex", "Worcestershire"],
    ]


def test_a_region_alone_chooses_every_authority_in_it(authorities):
    chosen = _filter("region=South+East").chosen()
    assert _names(chosen) == _names(LocalAuthority.objects.filter(region="South East"))
    assert len(chosen) == 19


@pytest.mark.parametrize("query", ["group=", "framework=ILACS", "theme=overall&group="])
def test_no_authority_filter_chooses_every_authority(authorities, query):
    filterset = _filter(query)
    assert filterset.is_valid()
    assert filterset.chosen() is None
    assert filterset.authority_ids() is None


@pytest.mark.parametrize(
    "query, field, message",
    [
        (
            "neighbours_of=hampshire",
            "neighbour_model",
            "Choose which DfE statistical neighbour model to use.",
        ),
        (
            "neighbour_model=current",
            "neighbours_of",
            "Choose the authority whose neighbours to show.",
        ),
        (
            "start=2019-01-01&end=2018-12-31",
            "end",
            "The end of the date range is before its start.",
        ),
    ],
)
def test_a_choice_that_cannot_be_met_is_an_error_on_its_field(authorities, query, field, message):
    filterset = _filter(query)
    assert not filterset.is_valid()
    assert filterset.form.errors == {field: [message]}
    assert "chosen" not in filterset.form.cleaned_data


@pytest.mark.parametrize(
    "query", ["start=2019-01-01&end=2019-01-01", "start=2019-01-01", "end=2019-01-01"]
)
def test_a_date_range_of_one_day_or_one_end_is_valid(authorities, query):
    assert _filter(f"group=&{query}").form.errors == {}


def test_the_region_list_offers_every_region_after_an_empty_choice(authorities):
    field = _filter("group=").form.fields["region"]
    assert list(field.choices) == [("", "---------"), *[(r, r) for r in REGIONS]]
    assert _filter("region=Atlantis").form.errors == {
        "region": ["Select a valid choice. Atlantis is not one of the available choices."]
    }


# JudgementFilter: reading the query string


def test_the_filterset_reads_its_own_parameters_once_each_and_no_empty_ones(authorities):
    filterset = _filter(
        "authority=hampshire&authority=&authority=hampshire&authority=kent&utm_source=email"
        "&framework=ILACS&theme="
    )
    assert dict(filterset.data.lists()) == {
        "authority": ["hampshire", "kent"],
        "framework": ["ILACS"],
    }
    assert filterset.query() == "authority=hampshire&authority=kent&framework=ILACS"


@pytest.mark.parametrize("query", ["", "utm_source=email"])
def test_a_query_without_filters_shows_hampshire_and_peers(authorities, query):
    filterset = _filter(query)
    assert filterset.default_view is True
    assert filterset.query() == "group=hampshire-and-peers"
    assert filterset.chosen()[0].name == "Hampshire"
    assert len(filterset.chosen()) == 4


@pytest.mark.parametrize("query", ["group=", "framework=ILACS", "authority=kent"])
def test_any_filter_parameter_leaves_the_default_view(authorities, query):
    filterset = _filter(query)
    assert filterset.default_view is False
    assert "group" not in filterset.data


def test_without_the_default_group_no_query_shows_every_authority(authorities):
    PeerGroup.objects.filter(slug="hampshire-and-peers").delete()
    filterset = _filter("")
    assert filterset.default_view is False
    assert filterset.chosen() is None
    assert filterset.query() == "group="


def test_a_link_changes_one_parameter_and_keeps_the_rest(authorities):
    filterset = _filter("authority=hampshire&framework=SIF&framework=ILACS")
    assert filterset.query(theme="overall") == (
        "authority=hampshire&framework=SIF&framework=ILACS&theme=overall"
    )
    assert filterset.query(framework="LAC") == "authority=hampshire&framework=LAC"
    assert _filter("group=").query(theme="adoption") == "theme=adoption"


# JudgementFilter: the judgements and inspections in view


@pytest.fixture
def judgements(hampshire, southampton, poole):
    """Hampshire under ILACS (2019), Southampton under SIF (2016), Poole under SIF (2017)."""
    ilacs = make_inspection(hampshire, framework="ILACS", start_date=date(2019, 4, 29))
    sif = make_inspection(southampton, framework="SIF", start_date=date(2016, 2, 1))
    poole_sif = make_inspection(poole, framework="SIF", start_date=date(2017, 6, 12))
    return {
        "hampshire_overall": make_judgement(ilacs),
        "hampshire_help": make_judgement(ilacs, area="help_and_protection", label="Help"),
        "southampton_overall": make_judgement(sif, grade="requires_improvement"),
        "poole_overall": make_judgement(poole_sif, grade="inadequate"),
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("authority=hampshire", ["hampshire_overall", "hampshire_help"]),
        # An authority brings its predecessors' judgements with it.
        (f"authority={BCP}", ["poole_overall"]),
        ("group=&framework=SIF", ["southampton_overall", "poole_overall"]),
        ("group=&theme=help_and_protection", ["hampshire_help"]),
        (
            "group=&area=overall_effectiveness",
            ["hampshire_overall", "southampton_overall", "poole_overall"],
        ),
        ("group=&start=2017-01-01", ["hampshire_overall", "hampshire_help", "poole_overall"]),
        ("group=&end=2017-06-12", ["southampton_overall", "poole_overall"]),
        ("group=hampshire-and-peers&framework=SIF&start=2017-01-01", ["poole_overall"]),
        # Filters with an error show nothing until the error is fixed.
        ("group=&start=2019-01-01&end=2016-01-01", []),
        ("neighbours_of=hampshire", []),
    ],
)
def test_the_filters_choose_the_judgements_in_view(judgements, query, expected):
    found = set(_filter(query, queryset=Judgement.objects.all()).qs)
    assert found == {judgements[name] for name in expected}


def test_the_filters_narrow_the_queryset_they_are_given(judgements):
    given = Judgement.objects.filter(grade="good")
    found = set(_filter("group=", queryset=given).qs)
    assert found == {judgements["hampshire_overall"], judgements["hampshire_help"]}
    export = ExportFilter(QueryDict("group="), queryset=given)
    assert set(export.qs) == found


def test_an_authoritys_ids_include_its_predecessors(bcp, poole):
    bournemouth = LocalAuthority.objects.get(slug="bournemouth")
    assert _filter(f"authority={BCP}").authority_ids() == {bcp.pk, poole.pk, bournemouth.pk}


def test_the_lineage_is_read_once_per_filterset(authorities, django_assert_num_queries):
    filterset = _filter("authority=hampshire&authority=bournemouth-christchurch-and-poole")
    with django_assert_num_queries(1):
        first = filterset.authority_ids()
        assert filterset.authority_ids() == first


def test_the_inspections_in_view_follow_the_framework_and_date_filters(
    hampshire, southampton, poole
):
    sif = make_inspection(southampton, framework="SIF", start_date=date(2016, 2, 1))
    make_inspection(southampton, framework="FOCUSED_VISIT", start_date=date(2019, 9, 2))
    poole_sif = make_inspection(poole, framework="SIF", start_date=date(2017, 6, 12))
    ilacs = make_inspection(hampshire, framework="ILACS", start_date=date(2019, 4, 29))
    assert list(_filter("group=").inspections()) == [sif, poole_sif, ilacs]
    assert list(_filter("group=&framework=SIF").inspections()) == [sif, poole_sif]
    assert list(_filter("group=&start=2017-01-01&end=2019-04-28").inspections()) == [poole_sif]
    assert list(_filter(f"authority={BCP}").inspections()) == [poole_sif]
    assert list(_filter("authority=hampshire&framework=SIF").inspections()) == []


def test_the_inspections_of_one_day_come_by_authority_name_then_as_stored(hampshire, southampton):
    day = date(2019, 4, 29)
    southampton_first = make_inspection(southampton, start_date=day)
    hampshire_first = make_inspection(hampshire, start_date=day)
    hampshire_second = make_inspection(hampshire, framework="SIF", start_date=day)
    assert list(_filter("group=").inspections()) == [
        hampshire_first,
        hampshire_second,
        southampton_first,
    ]


def test_the_inspections_come_with_their_authorities(hampshire, django_assert_num_queries):
    make_inspection(hampshire)
    make_inspection(hampshire, framework="SIF", start_date=date(2016, 1, 4))
    filterset = _filter("group=")
    with django_assert_num_queries(1):
        assert [i.authority.name for i in filterset.inspections()] == ["Hampshire", "Hampshire"]


@pytest.mark.parametrize(
    "query, themes",
    [
        ("group=&theme=care_leavers", ["care_leavers"]),
        ("group=&area=help_and_protection", ["help_and_protection"]),
        ("group=&area=looked_after_children.overall_effectiveness", ["children_in_care"]),
        (
            "group=",
            [
                "overall",
                "help_and_protection",
                "children_in_care",
                "care_leavers",
                "leadership",
                "adoption",
                "lscb",
            ],
        ),
    ],
)
def test_the_themes_in_view(authorities, query, themes):
    assert _filter(query).themes() == themes


# JudgementFilter: the page's focus


@pytest.mark.parametrize(
    "query, focus",
    [
        ("", "Hampshire"),  # the default view: its group's focus
        ("group=hampshire-and-peers&neighbours_of=kent&neighbour_model=current", "Kent"),
        # The first authority the query names, not the first by name.
        ("authority=southampton&authority=hampshire", "Southampton"),
        ("authority=southampton&group=hampshire-and-peers", "Hampshire"),
        # The group's focus is outside the region: the first authority named that is in it.
        ("authority=kent&authority=poole&group=hampshire-and-peers&region=South+West", "Poole"),
        ("group=hampshire-and-peers&region=South+West", None),
        ("region=South+East", None),
        ("group=", None),
    ],
)
def test_the_focus_is_the_authority_the_page_is_for(authorities, query, focus):
    found = _filter(query).focus()
    assert (found and found.name) == focus


# JudgementFilter: the filters in words


@pytest.mark.parametrize(
    "query, words",
    [
        ("group=", "every authority"),
        ("", "the peer group Hampshire and peers"),
        (
            "neighbours_of=hampshire&neighbour_model=current",
            "Hampshire and its 10 statistical neighbours (Current DfE model)",
        ),
        ("authority=kent", "Kent"),
        ("authority=kent&authority=medway", "Kent and Medway"),
        (
            "authority=surrey&authority=kent&authority=medway&authority=hampshire",
            "Hampshire, Kent, Medway and Surrey",
        ),
        (
            "authority=surrey&authority=kent&authority=medway&authority=hampshire&authority=reading",
            "Hampshire, Kent, Medway and 2 more authorities",
        ),
        ("group=&region=South+West", "every authority, in South West"),
        (
            "group=hampshire-and-peers&authority=kent&region=South+East",
            "the peer group Hampshire and peers; Kent, in South East",
        ),
        (
            "group=hampshire-and-peers&neighbours_of=kent&neighbour_model=previous&authority=poole",
            "the peer group Hampshire and peers; Kent and its 10 statistical neighbours "
            "(Previous DfE model); Poole",
        ),
    ],
)
def test_the_authorities_in_words(authorities, query, words):
    assert _filter(query).describe_authorities() == words


def test_one_statistical_neighbour_is_in_the_singular(authorities, hampshire):
    lone = LocalAuthority.objects.create(la_code="999", name="Lonely", slug="lonely")
    StatisticalNeighbour.objects.create(
        authority=lone, neighbour=hampshire, rank=1, model_version="current"
    )
    words = _filter("neighbours_of=lonely&neighbour_model=current").describe_authorities()
    assert words == "Lonely and its 1 statistical neighbour (Current DfE model)"


@pytest.mark.parametrize(
    "query, words",
    [
        ("group=", "every authority"),
        ("group=&framework=ILACS&framework=SIF", "every authority; SIF and ILACS inspections"),
        ("group=&theme=help_and_protection", "every authority; Help and protection"),
        (
            "group=&area=help_and_protection",
            "every authority; the area '1. Children who need help and protection'",
        ),
        ("group=&start=2018-01-01", "every authority; inspected from 1 Jan 2018"),
        ("group=&end=2019-03-31", "every authority; inspected to 31 Mar 2019"),
        (
            "group=hampshire-and-peers&theme=overall&framework=ILACS&start=2018-01-01"
            "&end=2019-03-31",
            "the peer group Hampshire and peers; ILACS inspections; Overall effectiveness; "
            "inspected from 1 Jan 2018 to 31 Mar 2019",
        ),
    ],
)
def test_every_active_filter_in_words(authorities, query, words):
    assert _filter(query).describe() == words


# The page cache's key: the same key for queries that mean the same, another for any difference


def _key(query, cls=JudgementFilter, **kwargs):
    return cls(QueryDict(query), **kwargs).page_key()


@pytest.mark.parametrize(
    "query, same",
    [
        ("framework=SIF&framework=ILACS", "framework=ILACS&framework=SIF&utm_source=email"),
        ("group=&theme=", "group="),
        (
            "authority=hampshire&authority=kent&authority=poole",
            "authority=hampshire&authority=poole&authority=kent&authority=poole",
        ),
        ("", "utm_source=email"),
    ],
)
def test_queries_that_mean_the_same_share_a_page(authorities, query, same):
    assert _key(query) is not None
    assert _key(query) == _key(same)


@pytest.mark.parametrize(
    "query, other",
    [
        ("framework=SIF", "framework=ILACS"),
        ("group=&theme=overall", "group=&theme=adoption"),
        ("group=&start=2018-01-01", "group=&start=2019-01-01"),
        ("group=&start=2018-01-01", "group=&end=2018-01-01"),
        ("authority=kent", "authority=medway"),
        # The same authorities, but another drawn in colour.
        ("authority=hampshire&authority=kent", "authority=kent&authority=hampshire"),
        (
            "neighbours_of=kent&neighbour_model=current",
            "neighbours_of=kent&neighbour_model=previous",
        ),
        (
            "neighbours_of=kent&neighbour_model=current",
            "neighbours_of=medway&neighbour_model=current",
        ),
        ("region=London", "region=South+East"),
        # The default view and the same group asked for by name say different things.
        ("", "group=hampshire-and-peers"),
    ],
)
def test_queries_that_differ_have_pages_of_their_own(authorities, query, other):
    assert _key(query) != _key(other)


def test_filters_with_errors_have_no_page_key(authorities):
    assert _key("neighbours_of=kent") is None
    assert _key("neighbours_of=kent&latest=1", ExportFilter, site="https://a.example") is None


# ExportFilter


@pytest.mark.parametrize("value, latest", [("1", True), ("on", True), ("true", True), ("0", False)])
def test_the_csv_of_latest_grades_is_asked_for_by_latest(authorities, value, latest):
    assert ExportFilter(QueryDict(f"latest={value}")).latest is latest
    assert ExportFilter(QueryDict("")).latest is False


def test_the_latest_grades_csv_is_kept_per_site(authorities):
    a = _key("authority=kent&latest=1", ExportFilter, site="https://a.example")
    b = _key("authority=kent&latest=1", ExportFilter, site="https://b.example")
    assert a != b
    assert a.startswith(_key("authority=kent"))
    # Every judgement's CSV is the page's own key, whatever the site.
    assert _key("authority=kent", ExportFilter, site="https://a.example") == _key("authority=kent")


def test_the_current_authorities_in_view_by_name(authorities):
    group = _filter("group=hampshire-and-peers", ExportFilter).current_authorities()
    assert _names(group) == ["Bournemouth, Christchurch and Poole", "Hampshire", "Southampton"]
    every = _filter("group=", ExportFilter).current_authorities()
    assert _names(every) == sorted(_names(LocalAuthority.objects.filter(existed_until=None)))
    assert len(every) == 153


# forms.py: the peer page's and the map's forms


def test_regions_are_listed_once_each_in_order(authorities):
    LocalAuthority.objects.create(la_code="998", name="Nowhere", slug="nowhere", region="")
    assert regions() == [(r, r) for r in REGIONS]


@pytest.mark.parametrize(
    "query, authority, theme",
    [
        ("", "Hampshire", ""),
        ("authority=&theme=", "Hampshire", ""),
        ("authority=kent&theme=adoption&utm_source=email", "Kent", "adoption"),
    ],
)
def test_the_peer_form_takes_its_defaults_for_what_is_missing(authorities, query, authority, theme):
    form = PeerForm(QueryDict(query))
    assert form.is_valid()
    assert form.cleaned_data["authority"].name == authority
    assert form.cleaned_data["theme"] == theme


def test_the_peer_page_key(authorities):
    assert _key("", PeerForm) == _key("authority=hampshire&utm_source=email", PeerForm)
    # A page reached from a former authority says so: it is not the successor's own page.
    queries = [
        "",
        "authority=kent",
        "theme=overall",
        f"authority={BCP}",
        f"authority={BCP}&replaced=poole",
    ]
    assert len({_key(query, PeerForm) for query in queries}) == 5
    assert _key("authority=poole", PeerForm) is None  # a former authority is not chosen


def test_the_map_form_defaults_to_overall_effectiveness_in_all_of_england(authorities):
    form = MapForm(QueryDict(""))
    assert form.is_valid()
    assert (form.cleaned_data["authority"].name, form.cleaned_data["theme"]) == (
        "Hampshire",
        "overall",
    )
    assert list(form.fields["region"].choices) == [
        ("", "All of England"),
        *[(r, r) for r in REGIONS],
    ]
    assert MapForm(QueryDict("region=South+West")).is_valid()
    assert not MapForm(QueryDict("region=Atlantis")).is_valid()


def test_the_map_page_key(authorities):
    assert _key("", MapForm) == _key("theme=overall&authority=hampshire", MapForm)
    keys = {
        _key(query, MapForm)
        for query in [
            "",
            "authority=kent",
            "theme=adoption",
            "region=London",
            "region=South+East",
            f"authority={BCP}",
            f"authority={BCP}&replaced=poole",
        ]
    }
    assert len(keys) == 7
    assert _key("region=Atlantis", MapForm) is None


@pytest.mark.parametrize(
    "query, successor",
    [
        ("authority=poole&theme=overall", f"authority={BCP}&theme=overall&replaced=poole"),
        ("authority=dorset-county-council", "authority=dorset&replaced=dorset-county-council"),
        ("authority=hampshire", None),  # current
        ("authority=atlantis", None),  # unknown
        ("authority=cheshire", None),  # split between Cheshire East and Cheshire West and Chester
        ("theme=overall", None),
    ],
)
def test_a_former_authority_is_sent_to_its_one_successor(authorities, query, successor):
    assert _successor_query(QueryDict(query)) == successor


# forms.py: the select widgets render what Django's own templates render


CHOICES = [
    ("", "---------"),
    ("hampshire", "Hampshire"),
    ("Former", [("poole", "Poole"), ("bcp", "Bournemouth, Christchurch & Poole")]),
    ("kent", 'Kent "Garden of England"'),
]


@pytest.mark.parametrize(
    "quick, django, value",
    [
        (QuickSelect, forms.Select, "poole"),
        (QuickSelect, forms.Select, None),
        (QuickSelectMultiple, forms.SelectMultiple, ["hampshire", "bcp"]),
    ],
)
def test_a_quick_select_renders_as_djangos_select(quick, django, value):
    attrs = {"id": "id_authority", "aria-describedby": "authority-hint"}
    ours = quick(attrs={"class": "wide"}, choices=CHOICES).render("authority", value, attrs)
    theirs = django(attrs={"class": "wide"}, choices=CHOICES).render("authority", value, attrs)
    assert parse_html(ours) == parse_html(theirs)  # attributes in any order
    assert 'name="authority"' in ours
    assert 'aria-describedby="authority-hint"' in ours
    assert '<optgroup label="Former">' in ours
    assert '<option value="kent">Kent &quot;Garden of England&quot;</option>' in ours
    assert "Bournemouth, Christchurch &amp; Poole" in ours
