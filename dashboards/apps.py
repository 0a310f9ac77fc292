from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "Dashboards"

    def ready(self):
        from authorities.models import LocalAuthority, PeerGroup, StatisticalNeighbour
        from inspections.models import Inspection, Judgement, SourceDocument

        from .models import DataVersion

        # Every write to what the dashboards show invalidates their cached pages.
        shown = [LocalAuthority, PeerGroup, StatisticalNeighbour, Inspection, Judgement,
                 SourceDocument]  # fmt: skip
        links = [PeerGroup.authorities.through, LocalAuthority.successors.through]
        for signal, senders in [(post_save, shown), (post_delete, shown), (m2m_changed, links)]:
            for sender in senders:
                signal.connect(DataVersion.bump, sender=sender, weak=False)
