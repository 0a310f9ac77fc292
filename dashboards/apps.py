from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


def create_cache_table(using, **kwargs):
    """With CACHE_URL=db://, `migrate` creates the cache's table (createcachetable does nothing
    when it is there, or when no cache is a database cache)."""
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=0)


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self):
        from authorities.models import LocalAuthority, PeerGroup, StatisticalNeighbour
        from inspections.models import (
            CatalogueCheck,
            ImportRun,
            Inspection,
            Judgement,
            Publication,
            SourceDocument,
        )

        from .models import DataVersion

        # Every write to what the dashboards show invalidates their cached pages.
        # (An import run's refused files show on the authority page; they are saved with the run.
        # The catalogue's entries and checks say on every page how current the grades are.)
        shown = [LocalAuthority, PeerGroup, StatisticalNeighbour, Inspection, Judgement,
                 SourceDocument, ImportRun, Publication, CatalogueCheck]  # fmt: skip
        links = [PeerGroup.authorities.through, LocalAuthority.successors.through]
        for signal, senders in [(post_save, shown), (post_delete, shown), (m2m_changed, links)]:
            for sender in senders:
                signal.connect(DataVersion.bump, sender=sender, weak=False)
        post_migrate.connect(create_cache_table, sender=self)
