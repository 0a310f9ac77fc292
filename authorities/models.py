from django.db import models
from django.db.models import Q
from django.urls import reverse


class AuthorityType(models.TextChoices):
    COUNTY = "county", "County"
    UNITARY = "unitary", "Unitary authority"
    METROPOLITAN_DISTRICT = "metropolitan_district", "Metropolitan district"
    LONDON_BOROUGH = "london_borough", "London borough"


def lineage_edges():
    """{authority id: [successor ids]} for every authority: one query, however many there are."""
    edges = {}
    for old, new in LocalAuthority.successors.through.objects.values_list(
        "from_localauthority", "to_localauthority"
    ):
        edges.setdefault(old, []).append(new)
    return edges


def with_predecessors(ids, edges):
    """The ids plus every authority that became one of them, however many steps back."""
    found, frontier = set(ids), set(ids)
    while frontier:
        frontier = {old for old, news in edges.items() if set(news) & frontier} - found
        found |= frontier
    return found


class LocalAuthorityQuerySet(models.QuerySet):
    def current(self):
        return self.filter(existed_until__isnull=True)

    def with_lineage(self, authorities):
        """These authorities and every predecessor they took over, however many steps back."""
        return self.filter(pk__in=with_predecessors({a.pk for a in authorities}, lineage_edges()))


class LocalAuthority(models.Model):
    """An English local authority with children's services, current or since abolished."""

    la_code = models.CharField("DfE LA code", max_length=3, unique=True)
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    gss_code = models.CharField("GSS code", max_length=9, blank=True)
    ofsted_urn = models.CharField("Ofsted URN", max_length=10, blank=True)
    region = models.CharField(max_length=50, blank=True)
    ons_type = models.CharField(
        "ONS type", max_length=30, choices=AuthorityType.choices, blank=True
    )
    existed_from = models.DateField(null=True, blank=True, help_text="Empty: before 2009.")
    existed_until = models.DateField(null=True, blank=True, help_text="Empty: still exists.")
    successors = models.ManyToManyField(
        "self", symmetrical=False, related_name="predecessors", blank=True
    )
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other names reports print, e.g. 'Borough of Poole'."
    )
    # The authority's cell on the England hex map ("odd-r" offset coordinates, r growing
    # northwards); empty for a predecessor, which the map does not draw.
    hex_q = models.PositiveSmallIntegerField("hex map column", null=True, blank=True)
    hex_r = models.PositiveSmallIntegerField("hex map row", null=True, blank=True)
    # The three letters on its hexagon (after ISO 3166-2:GB's codes: HAM, STH); empty for a
    # predecessor.
    short_code = models.CharField("map label", max_length=3, blank=True)

    objects = LocalAuthorityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"
        constraints = [
            models.CheckConstraint(
                condition=Q(existed_until__isnull=True)
                | Q(existed_from__isnull=True)
                | Q(existed_until__gt=models.F("existed_from")),
                name="authorities_localauthority_dates_in_order",
            ),
            # Two authorities never share a hexagon (NULLs are distinct: predecessors have none).
            models.UniqueConstraint(
                fields=["hex_q", "hex_r"], name="authorities_localauthority_unique_hex"
            ),
            # Two hexagons never carry the same label.
            models.UniqueConstraint(
                fields=["short_code"],
                condition=~Q(short_code=""),
                name="authorities_localauthority_unique_short_code",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("dashboards:authority", args=[self.slug])

    @property
    def is_current(self):
        return self.existed_until is None

    def lineage(self):
        """This authority and its predecessors, whose inspections form its history."""
        return LocalAuthority.objects.with_lineage([self])


class StatisticalNeighbour(models.Model):
    """One row of a DfE statistical neighbour list, tagged with the model version it comes from."""

    class ModelVersion(models.TextChoices):
        CURRENT = "current", "Current DfE model"
        PREVIOUS = "previous", "Previous DfE model"

    authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, related_name="neighbour_links"
    )
    neighbour = models.ForeignKey(LocalAuthority, on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(help_text="1 = closest.")
    model_version = models.CharField(max_length=20, choices=ModelVersion.choices)

    class Meta:
        ordering = ["authority", "model_version", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "model_version", "neighbour"],
                name="authorities_statisticalneighbour_unique",
            ),
            models.UniqueConstraint(
                fields=["authority", "model_version", "rank"],
                name="authorities_statisticalneighbour_unique_rank",
            ),
            models.CheckConstraint(
                condition=Q(model_version__in=["current", "previous"]),
                name="authorities_statisticalneighbour_version_valid",
            ),
        ]

    def __str__(self):
        return f"{self.authority} – {self.neighbour} ({self.model_version} #{self.rank})"


class PeerGroup(models.Model):
    """A named set of authorities that users compare, with a slug for a shareable URL."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    focus = models.ForeignKey(
        LocalAuthority,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The authority the group is about, drawn first.",
    )
    authorities = models.ManyToManyField(LocalAuthority, related_name="peer_groups")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
