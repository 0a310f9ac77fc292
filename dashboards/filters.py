"""The one filterset behind every dashboard page: it feeds the chart, the table and the CSV.

Choosing authorities: the authorities picked by name, the members of a peer group and the
statistical neighbours of an authority add up; a region narrows them (or, alone, picks every
authority in it). That is one rule over five fields, so the form works out the authorities chosen
(`JudgementForm.clean`) and the filterset applies them once, with their predecessors: an
authority brings its predecessors' inspections with it, shown as theirs, so Bournemouth,
Christchurch and Poole carries Poole's record from before 1 April 2019. Framework and dates
filter the judgements and the inspections in view alike (`inspections()` applies the same
filters), theme and area the judgements only.

The default view is declared on the filterset (DEFAULT_VIEW): a query with none of its
parameters (none at all, or only `?utm_source=email`) shows the "Hampshire and peers" group on
every page (compare, grid and CSV), and the page says so. A parameter means exactly what it
says: `?group=` is every authority.
"""

import copy
import functools

import django_filters
from django import forms
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.template.defaultfilters import pluralize
from django.utils.text import get_text_list

from authorities.models import (
    LocalAuthority,
    PeerGroup,
    StatisticalNeighbour,
    lineage_edges,
    with_predecessors,
)
from inspections import frameworks as fw
from inspections.models import Area, Framework, Inspection, Judgement, Theme

from .forms import QuickSelect, QuickSelectMultiple, regions

DEFAULT_GROUP = "hampshire-and-peers"
# How many authorities picked by name the description names before it counts the rest.
NAMED_AUTHORITIES = 4


class JudgementForm(forms.Form):
    """The choice of authorities (which add up; see the module's docstring), checked together;
    `cleaned_data["chosen"]` holds the authorities chosen, focus first (None: every one)."""

    authority = forms.ModelMultipleChoiceField(
        queryset=LocalAuthority.objects.all(),
        to_field_name="slug",
        label="Authorities",
        required=False,
        widget=QuickSelectMultiple(attrs={"aria-describedby": "authority-hint"}),
    )
    group = forms.ModelChoiceField(
        queryset=PeerGroup.objects.all(),
        to_field_name="slug",
        label="Peer group",
        required=False,
        widget=QuickSelect,
    )
    neighbours_of = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.all(),
        to_field_name="slug",
        label="Statistical neighbours of",
        required=False,
        widget=QuickSelect,
    )
    neighbour_model = forms.ChoiceField(
        choices=[("", "---------"), *StatisticalNeighbour.ModelVersion.choices],
        label="Neighbour model",
        required=False,
        widget=QuickSelect,
    )
    region = forms.ChoiceField(label="Region", required=False, widget=QuickSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read when first needed (to check a value or draw the list), then kept for the form.
        self.fields["region"].choices = functools.cache(lambda: [("", "---------"), *regions()])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("neighbours_of") and not cleaned.get("neighbour_model"):
            self.add_error(
                "neighbour_model", "Choose which DfE statistical neighbour model to use."
            )
        if cleaned.get("neighbour_model") and not cleaned.get("neighbours_of"):
            self.add_error("neighbours_of", "Choose the authority whose neighbours to show.")
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "The end of the date range is before its start.")
        if not self.errors:
            cleaned["chosen"] = self._chosen(cleaned)
        return cleaned

    def _chosen(self, data):
        picked = list(data.get("authority") or [])
        group = data.get("group")
        if group:
            members = list(group.authorities.all())
            members.sort(key=lambda a: (a.pk != group.focus_id, a.name))
            picked += members
        self.neighbour_count = 0
        if data.get("neighbours_of"):
            centre = data["neighbours_of"]
            links = StatisticalNeighbour.objects.filter(
                authority=centre, model_version=data["neighbour_model"]
            ).select_related("neighbour")
            neighbours = [link.neighbour for link in links]
            self.neighbour_count = len(neighbours)
            picked += [centre] + neighbours
        region = data.get("region")
        if region and picked:
            picked = [a for a in picked if a.region == region]
        elif region:
            picked = list(LocalAuthority.objects.filter(region=region))
        elif not (data.get("authority") or group or data.get("neighbours_of")):
            return None
        return list({a.pk: a for a in picked}.values())


class JudgementFilter(django_filters.FilterSet):
    """The judgements in view. Bound to a request's query string (`JudgementFilter(request.GET)`),
    it reads only its own parameters, each value once and empty ones left out, so links built
    from it (`query()`) never carry a stranger's parameters on."""

    # With none of the filters' parameters in the query: the "Hampshire and peers" group.
    DEFAULT_VIEW = {"group": DEFAULT_GROUP}

    framework = django_filters.MultipleChoiceFilter(
        choices=Framework.choices,
        label="Frameworks",
        widget=QuickSelectMultiple(attrs={"aria-describedby": "framework-hint"}),
    )
    theme = django_filters.ChoiceFilter(
        choices=Theme.choices, label="Theme", method="filter_theme", widget=QuickSelect
    )
    area = django_filters.ChoiceFilter(
        choices=Area.choices, label="Judgement area", widget=QuickSelect
    )
    start = django_filters.DateFilter(
        field_name="inspection__start_date",
        lookup_expr="gte",
        label="Inspected from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = django_filters.DateFilter(
        field_name="inspection__start_date",
        lookup_expr="lte",
        label="Inspected to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Judgement
        fields = []
        form = JudgementForm

    # The filters that apply to inspections as well as to their judgements (`inspections()`).
    INSPECTION_FILTERS = ("framework", "start", "end")

    def __init__(self, query, queryset=None):
        names = [*JudgementForm.base_fields, *self.base_filters]
        data = QueryDict(mutable=True)
        for name in names:
            values = list(dict.fromkeys(v for v in query.getlist(name) if v))
            if values:
                data.setlist(name, values)
        # The default view only where its group exists (`load_authorities` makes it).
        self.default_view = not any(name in query for name in names) and (
            PeerGroup.objects.filter(slug=DEFAULT_GROUP).exists()
        )
        if self.default_view:
            data.update(self.DEFAULT_VIEW)
        super().__init__(data, queryset=queryset)

    def query(self, **params):
        """The query string of this view (with `params` changed): `?group=` when nothing is
        chosen, so that a link never falls back on the default view."""
        query = self.data.copy()
        for key, value in params.items():
            query[key] = value
        return query.urlencode() or "group="

    def page_key(self):
        """The page's cleaned filter values, for the page cache: queries that mean the same share
        one page; None when the filters have errors (such a page is not kept)."""
        if not self.is_valid():
            return None
        cleaned = {
            name: _cleaned(value)
            for name, value in sorted(self.form.cleaned_data.items())
            if value not in (None, "", []) and name != "chosen"
        }
        # The first authority named is the one drawn in colour among many (focus).
        first = self.data.getlist("authority")[:1]
        return f"{self.default_view}:{cleaned!r}:{first}"

    def filter_theme(self, queryset, name, value):
        return queryset.for_theme(value)

    def filter_queryset(self, queryset):
        """The declared filters, then the authorities chosen (one rule over five fields)."""
        if not self.is_valid():  # nothing is shown until the filters' errors are fixed
            return queryset.none()
        # Not super(): it expects a filter for every field of the form, and the authorities are
        # one rule over five of them.
        for name, declared in self.filters.items():
            queryset = declared.filter(queryset, self.form.cleaned_data.get(name))
        ids = self.authority_ids()
        return queryset if ids is None else queryset.for_authorities(ids)

    def chosen(self):
        """The authorities chosen (before their predecessors are added), focus first; None when
        no authority filter is set, which means every authority."""
        return self.form.cleaned_data["chosen"]

    def authority_ids(self):
        """Ids of the chosen authorities and their predecessors, or None for every authority."""
        chosen = self.chosen()
        if chosen is None:
            return None
        return with_predecessors({a.pk for a in chosen}, self.edges())

    def edges(self):
        if not hasattr(self, "_edges"):
            self._edges = lineage_edges()
        return self._edges

    def inspections(self):
        """The graded inspections in view, for showing where a theme was not judged: those of
        the authorities chosen, with the judgements' own framework and date filters applied."""
        inspections = Inspection.objects.graded().select_related("authority")
        ids = self.authority_ids()
        if ids is not None:
            inspections = inspections.filter(authority__in=ids)
        for name in self.INSPECTION_FILTERS:
            declared = copy.copy(self.filters[name])
            declared.field_name = declared.field_name.removeprefix("inspection__")
            inspections = declared.filter(inspections, self.form.cleaned_data.get(name))
        return inspections.order_by("start_date", "authority__name", "id")

    def themes(self):
        """The themes in view: the one chosen, the one an area belongs to, or all of them."""
        data = self.form.cleaned_data
        if data.get("theme"):
            return [data["theme"]]
        if data.get("area"):
            themes = fw.themes_of_area(data["area"])
            return [t for t in fw.THEMES if t in themes]
        return list(fw.THEMES)

    def focus(self):
        """The authority the page is for, drawn in colour when many are in view: the one whose
        neighbours are shown, the peer group's focus, or the first authority named in the query;
        None for a region or every authority (no one is the page's subject)."""
        data, chosen = self.form.cleaned_data, self.chosen() or []
        group = data.get("group")
        candidates = [data.get("neighbours_of"), group and group.focus_id]
        named = self.data.getlist("authority") if hasattr(self.data, "getlist") else []
        slugs = {a.slug: a for a in data.get("authority") or []}
        candidates += [slugs[s] for s in named if s in slugs]
        for candidate in candidates:
            pk = getattr(candidate, "pk", candidate)
            found = next((a for a in chosen if a.pk == pk), None)
            if found:
                return found
        return None

    def describe_authorities(self):
        """Which authorities are in view, in words, short however many there are: 'Hampshire and
        its 10 statistical neighbours (Current DfE model)', 'Kent, Medway, Surrey and 9 more
        authorities'."""
        data = self.form.cleaned_data
        parts = []
        if data.get("group"):
            parts.append(f"the peer group {data['group'].name}")
        if data.get("neighbours_of") and data.get("neighbour_model"):
            version = StatisticalNeighbour.ModelVersion(data["neighbour_model"]).label
            count = self.form.neighbour_count
            parts.append(
                f"{data['neighbours_of'].name} and its {count} statistical "
                f"neighbour{pluralize(count)} ({version})"
            )
        if data.get("authority"):
            named = [a.name for a in data["authority"]]
            if len(named) > NAMED_AUTHORITIES:
                shown = ", ".join(named[: NAMED_AUTHORITIES - 1])
                named = [f"{shown} and {len(named) - NAMED_AUTHORITIES + 1} more authorities"]
            parts.append(get_text_list(named, "and"))
        text = "; ".join(parts) if parts else "every authority"
        if data.get("region"):
            text += f", in {data['region']}"
        return text

    def describe(self):
        """Every active filter in words, one phrase, for the page's heading, each chart's
        subtitle and the exported charts: 'the peer group Hampshire and peers; ILACS
        inspections; Help and protection; inspected from 1 Jan 2018'."""
        data = self.form.cleaned_data
        parts = [self.describe_authorities()]
        if data.get("framework"):
            labels = [Framework(f).label for f in Framework.values if f in data["framework"]]
            parts.append(f"{get_text_list(labels, 'and')} inspections")
        if data.get("theme"):
            parts.append(fw.THEMES[data["theme"]])
        if data.get("area"):
            parts.append(f"the area '{Area(data['area']).label}'")
        start, end = data.get("start"), data.get("end")
        if start or end:
            since = f" from {start:%-d %b %Y}" if start else ""
            until = f" to {end:%-d %b %Y}" if end else ""
            parts.append(f"inspected{since}{until}")
        return "; ".join(parts)


def _cleaned(value):
    if isinstance(value, QuerySet | list | tuple | set):
        return sorted(str(_cleaned(v)) for v in value)
    return value.pk if isinstance(value, Model) else value


class ExportFilter(JudgementFilter):
    """The CSV's filterset: the page's filters, and `latest=1` for the latest grade of each
    current authority in view on each theme (`export.latest_rows`) instead of every judgement.
    `site` (scheme and host) starts that file's links, so it is part of the page's key."""

    def __init__(self, query, queryset=None, site=""):
        self.latest = query.get("latest") in ("1", "on", "true")
        self.site = site
        super().__init__(query, queryset)

    def page_key(self):
        key = super().page_key()
        return key and (f"{key}:latest:{self.site}" if self.latest else key)

    def current_authorities(self):
        """The current authorities in view, by name: the chosen ones, or every one."""
        chosen = self.chosen()
        if chosen is None:
            return list(LocalAuthority.objects.current().order_by("name"))
        return sorted((a for a in chosen if a.is_current), key=lambda a: a.name)
