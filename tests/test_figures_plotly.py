"""Every figure the dashboards draw is valid plotly.js: plotly's Python figure classes check each
property and value against plotly's schema (the views build plain dicts, unchecked, for speed).
"""

import io
import json
from datetime import date

import plotly.graph_objects as go
import pytest
from django.core.management import call_command
from django.urls import reverse

from authorities.models import LocalAuthority
from inspections import frameworks as fw
from tests.factories import make_inspection, make_judgement

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(authorities, hampshire, southampton):
    """The demo inspections (Poole's merger into BCP draws a join) and an ILACS inspection from
    April 2026, which judges no overall effectiveness (a gap on that chart)."""
    call_command("load_demo", stdout=io.StringIO())
    later = make_inspection(southampton, framework="ILACS", start_date=date(2026, 5, 11))
    make_judgement(later, area="help_and_protection", label="Help and protection", grade="good")


def figures(client, query=""):
    response = client.get(reverse("dashboards:compare") + query)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index(">", html.index('<script id="chart-data"')) + 1
    return json.loads(html[start : html.index("</script>", start)])


@pytest.mark.parametrize(
    "query",
    [
        "",  # the home page: Hampshire and peers, every theme
        "?group=",  # every authority
        "?group=&framework=SIF&framework=SLAC",
        "?group=hampshire-and-peers&theme=children_in_care&start=2015-01-01",
        "?region=South%20East",
    ],
)
def test_every_dashboard_figure_is_valid_for_plotly(client, record, query):
    charts = figures(client, query)

    assert charts
    for chart in charts:
        figure = go.Figure(chart["figure"])  # raises ValueError naming a property plotly rejects
        assert figure.data, chart["id"]


def test_the_figure_of_an_authority_without_inspections_is_valid(client, record):
    portsmouth = LocalAuthority.objects.get(la_code="851")
    (chart,) = figures(client, f"?authority={portsmouth.slug}&theme=leadership")

    figure = go.Figure(chart["figure"])

    assert figure.layout.title.text == fw.THEMES["leadership"]
