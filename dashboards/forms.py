"""The peer page's and the map's choices, as plain forms (nothing is filtered by them: each page
reads them), and the select widgets every dashboard form uses.

Each form reads only its own parameters from the query string (`?utm_source=email` is ignored),
and an empty or missing one takes its default, stated in the form's DEFAULTS, so that a shared
link without it still opens the page it opened before.
"""

import functools

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from authorities.models import LocalAuthority
from inspections.models import Theme

DEFAULT_AUTHORITY = "hampshire"


def regions():
    regions = LocalAuthority.objects.exclude(region="").values_list("region", flat=True)
    return [(r, r) for r in regions.distinct().order_by("region")]


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


class QueryForm(forms.Form):
    """A form bound to a query string's own parameters, empty ones taking their DEFAULTS."""

    DEFAULTS = {}

    def __init__(self, query):
        given = {name: query.get(name) for name in self.base_fields if query.get(name)}
        super().__init__({**self.DEFAULTS, **given})


def successor_query(query):
    """The query string with a former authority (`authority=poole`) replaced by its one
    successor and `replaced` naming it, or None when there is nothing to replace (a current
    authority, an unknown one, or one split between several successors: the form says so)."""
    slug = query.get("authority")
    former = slug and LocalAuthority.objects.filter(slug=slug, existed_until__isnull=False).first()
    successors = list(former.successors.filter(existed_until=None)) if former else []
    if len(successors) != 1:
        return None
    changed = query.copy()
    changed["authority"] = successors[0].slug
    changed["replaced"] = former.slug
    return changed.urlencode()


class PeerForm(QueryForm):
    """The peer page: an authority (default Hampshire; current ones only, a former one is sent
    to its successor with `replaced` naming it) and, optionally, one theme."""

    DEFAULTS = {"authority": DEFAULT_AUTHORITY}

    authority = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.current(),
        to_field_name="slug",
        label="Authority",
        widget=QuickSelect,
        error_messages={
            "invalid_choice": "Select a valid choice: an authority that exists today (a former "
            "one is shown through its successors)."
        },
    )
    replaced = forms.ModelChoiceField(
        queryset=LocalAuthority.objects.exclude(existed_until=None),
        to_field_name="slug",
        required=False,
        widget=forms.HiddenInput,
    )
    theme = forms.ChoiceField(
        choices=[("", "Every theme"), *Theme.choices],
        required=False,
        label="Theme",
        widget=QuickSelect,
    )

    def page_key(self):
        """The authority and theme chosen, for the page cache; None with errors."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        replaced = data["replaced"] and data["replaced"].pk
        return f"{data['authority'].pk}:{data['theme']}:{replaced}"


class MapForm(PeerForm):
    """The England map: the peer page's authority (default Hampshire), one theme (default
    overall effectiveness) and, if asked, a region whose authorities the table lists."""

    DEFAULTS = {"authority": DEFAULT_AUTHORITY, "theme": "overall"}

    theme = forms.ChoiceField(choices=Theme.choices, label="Theme", widget=QuickSelect)
    region = forms.ChoiceField(required=False, label="Region", widget=QuickSelect)

    def __init__(self, query):
        super().__init__(query)
        # Read when first needed (to check a value or draw the list), then kept for the form.
        self.fields["region"].choices = functools.cache(
            lambda: [("", "All of England"), *regions()]
        )

    def page_key(self):
        """The authority, theme and region chosen, for the page cache; None with errors."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        replaced = data["replaced"] and data["replaced"].pk
        return f"{data['authority'].pk}:{data['theme']}:{data['region']}:{replaced}"
