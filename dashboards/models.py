import uuid

from django.db import models
from django.utils import timezone


class DataVersion(models.Model):
    """One row whose token changes with every write the dashboards show.

    Cached dashboard pages are keyed by the token, so a page is never served from before the
    latest write: model signals (dashboards.apps) replace the token in the writing transaction.
    A write that bypasses model signals (QuerySet.update, bulk_create, raw SQL) must call
    `DataVersion.bump()` itself. A random token, not a counter, so that a rolled-back or rebuilt
    database can never meet a cached page of other data under the same key. `changed_at` is when
    the token last changed: the pages' Last-Modified.
    """

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="dashboards_dataversion_one_row")
        ]

    def __str__(self):
        return self.token

    @classmethod
    def current(cls):
        return cls.read()[0]

    @classmethod
    def read(cls):
        """(token, changed_at) in one query; ("none", None) before the first write."""
        return cls.objects.filter(pk=1).values_list("token", "changed_at").first() or ("none", None)

    @classmethod
    def bump(cls, **kwargs):
        token, now = uuid.uuid4().hex, timezone.now()
        if not cls.objects.filter(pk=1).update(token=token, changed_at=now):
            cls.objects.create(pk=1, token=token, changed_at=now)
