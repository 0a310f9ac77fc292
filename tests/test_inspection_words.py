"""An inspection's framework in words and its page address: both are asked for thousands of times
on the page of every authority, so the model answers them without Django's general machinery."""

from django.db import models
from django.urls import reverse

from inspections.models import Framework, Inspection


def test_the_framework_display_is_djangos_for_every_choice():
    """The override answers as Django's own would (models.Model's, bound to the same object)."""
    for framework in [*Framework.values, "unknown"]:
        inspection = Inspection(framework=framework)
        field = Inspection._meta.get_field("framework")
        assert inspection.get_framework_display() == models.Model._get_FIELD_display(
            inspection, field
        )


def test_an_inspections_address_follows_its_key():
    inspection = Inspection(pk=7)
    assert inspection.get_absolute_url() == reverse("dashboards:inspection", args=[7])
    inspection.pk = 8
    assert inspection.get_absolute_url() == reverse("dashboards:inspection", args=[8])
