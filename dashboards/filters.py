"""The one filterset behind every dashboard page: it feeds the chart, the table and the CSV.

Choosing authorities: the authorities picked by name, the members of a peer group and the
statistical neighbours of an authority add up; a region narrows them (or, alone, picks every
authority in it). An authority brings its predecessors' inspections with it, shown as theirs, so
Bournemouth, Christchurch and Poole carries Poole's record from before 1 April 2019.
"""

import django_filters
from django import forms
from django.db.models import Model, QuerySet
from django.forms.utils import flatatt
from django.http import QueryDict
from django.template.defaultfilters import pluralize
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from authorities.models import (
    LocalAuthority,
    PeerGroup,
    StatisticalNeighbour,
    lineage_edges,
    with_predecessors,
)
from inspections import frameworks as fw
from inspections.models import Area, Framework, Inspection, Judgement, Theme

DEFAULT_GROUP = "hampshire-and-peers"


def regions(request=None):
    regions = LocalAuthority.objects.exclude(region="").values_list("region", flat=True)
    return [(r, r) for r in regions.distinct().order_by("region")]


class JudgementForm(forms.Form):
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
        return cleaned


class QuickSelectMixin:
    """Render a select's options in Python. Django renders each <option> through a template,
    and the two authority lists (every authority, twice) cost more than the rest of the compare
    page. The HTML is what Django's templates give."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = []
        for group, options, _index in widget["optgroups"]:
            html = "".join(
                format_html(
                    '<option value="{}"{}>{}</option>', o["value"], flatatt(o["attrs"]), o["label"]
                )
                for o in options
            )
            if group:
                html = format_html('<optgroup label="{}">{}</optgroup>', group, mark_safe(html))
            parts.append(html)
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(parts)),
        )


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass


def unfiltered(queryset, name, value):
    """A filter the page reads rather than applies to the queryset: authority choices add up, so
    they are applied together in filter_queryset; the peer page and the map read theirs."""
    return queryset


class JudgementFilter(django_filters.FilterSet):
    authority = django_filters.ModelMultipleChoiceFilter(
        queryset=LocalAuthority.objects.all(),
        to_field_name="slug",
        label="Authorities",
        method=unfiltered,
        widget=QuickSelectMultiple(attrs={"aria-describedby": "authority-hint"}),
    )
    group = django_filters.ModelChoiceFilter(
        queryset=PeerGroup.objects.all(),
        to_field_name="slug",
        label="Peer group",
        method=unfiltered,
        widget=QuickSelect,
    )
    neighbours_of = django_filters.ModelChoiceFilter(
        queryset=LocalAuthority.objects.all(),
        to_field_name="slug",
        label="Statistical neighbours of",
        method=unfiltered,
        widget=QuickSelect,
    )
    neighbour_model = django_filters.ChoiceFilter(
        choices=StatisticalNeighbour.ModelVersion.choices,
        label="Neighbour model",
        method=unfiltered,
        widget=QuickSelect,
    )
    region = django_filters.ChoiceFilter(
        choices=regions, label="Region", method=unfiltered, widget=QuickSelect
    )
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

    def page_key(self):
        """The page's cleaned filter values, for the page cache: queries that mean the same share
        one page; None when the filters have errors (such a page is not kept)."""
        if not self.is_valid():
            return None
        cleaned = {
            name: _cleaned(value)
            for name, value in sorted(self.form.cleaned_data.items())
            if value not in (None, "", [])
        }
        # The first authority named is the one drawn in colour among many (focus).
        first = self.data.getlist("authority")[:1]
        return f"{self.default_view}:{cleaned!r}:{first}"

    def filter_theme(self, queryset, name, value):
        return queryset.for_theme(value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        ids = self.authority_ids()
        if ids is not None:
            queryset = queryset.for_authorities(ids)
        return queryset

    # The authorities the user chose, worked out once per request from the cleaned form.

    def chosen(self):
        """The authorities chosen (before their predecessors are added), focus first; None when
        no authority filter is set, which means every authority."""
        if hasattr(self, "_chosen"):
            return self._chosen
        data = self.form.cleaned_data
        picked = list(data.get("authority") or [])
        group = data.get("group")
        if group:
            members = list(group.authorities.all())
            members.sort(key=lambda a: (a.pk != group.focus_id, a.name))
            picked += members
        if data.get("neighbours_of") and data.get("neighbour_model"):
            centre = data["neighbours_of"]
            links = StatisticalNeighbour.objects.filter(
                authority=centre, model_version=data["neighbour_model"]
            ).select_related("neighbour")
            neighbours = [link.neighbour for link in links]
            self._neighbour_count = len(neighbours)
            picked += [centre] + neighbours
        region = data.get("region")
        if region and picked:
            picked = [a for a in picked if a.region == region]
        elif region:
            picked = list(LocalAuthority.objects.filter(region=region))
        elif not (data.get("authority") or group or data.get("neighbours_of")):
            picked = None
        if picked is not None:
            picked = list({a.pk: a for a in picked}.values())
        self._chosen = picked
        return picked

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
        """The graded inspections in view, for showing where a theme was not judged."""
        data = self.form.cleaned_data
        inspections = Inspection.objects.graded().select_related("authority")
        ids = self.authority_ids()
        if ids is not None:
            inspections = inspections.filter(authority__in=ids)
        if data.get("framework"):
            inspections = inspections.filter(framework__in=data["framework"])
        if data.get("start"):
            inspections = inspections.filter(start_date__gte=data["start"])
        if data.get("end"):
            inspections = inspections.filter(start_date__lte=data["end"])
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
        self.chosen()  # counts the neighbours
        parts = []
        if data.get("group"):
            parts.append(f"the peer group {data['group'].name}")
        if data.get("neighbours_of") and data.get("neighbour_model"):
            version = StatisticalNeighbour.ModelVersion(data["neighbour_model"]).label
            count = getattr(self, "_neighbour_count", 0)
            parts.append(
                f"{data['neighbours_of'].name} and its {count} statistical "
                f"neighbour{pluralize(count)} ({version})"
            )
        if data.get("authority"):
            named = [a.name for a in data["authority"]]
            if len(named) > NAMED_AUTHORITIES:
                shown = ", ".join(named[: NAMED_AUTHORITIES - 1])
                named = [f"{shown} and {len(named) - NAMED_AUTHORITIES + 1} more authorities"]
            parts.append(_and(named))
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
            parts.append(f"{_and(labels)} inspections")
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


# How many authorities picked by name the description names before it counts the rest.
NAMED_AUTHORITIES = 4


def _and(words):
    """'A', 'A and B', 'A, B and C'."""
    return " and ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def _cleaned(value):
    if isinstance(value, QuerySet | list | tuple | set):
        return sorted(str(_cleaned(v)) for v in value)
    return value.pk if isinstance(value, Model) else value


def judgement_filter(request):
    """The filterset of a compare, grid or CSV request.

    A query string without any of the filters' parameters (none, or only `?utm_source=email`)
    means the default view, the "Hampshire and peers" group, on every page (compare, grid and
    CSV), so that /export.csv with a page's exact query string has that page's rows; the group is
    then made explicit in the page's form and links (`default_view` says so). A filter's
    parameter means exactly what it says: `?group=` is every authority. Only the filters' own
    parameters are kept, each value once, so links never carry a stranger's parameters on."""
    data = QueryDict(mutable=True)
    default_view = False
    # Parameters the filters do not know (`?utm_source=email`) are not there at all.
    known = [name for name in JudgementFilter.base_filters if name in request.GET]
    if known:
        for name in known:
            values = list(dict.fromkeys(v for v in request.GET.getlist(name) if v))
            if values:
                data.setlist(name, values)
        if not data:
            data["group"] = ""  # every authority
    elif PeerGroup.objects.filter(slug=DEFAULT_GROUP).exists():
        data["group"] = DEFAULT_GROUP
        default_view = True
    filterset = JudgementFilter(data, queryset=Judgement.objects.for_dashboard())
    filterset.default_view = default_view
    return filterset
