from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from authorities.models import LocalAuthority, PeerGroup
from inspections.models import Inspection


@require_GET
def compare(request):
    group = PeerGroup.objects.prefetch_related("authorities").first()
    return render(request, "dashboards/compare.html", {"group": group})


@require_GET
def authority_detail(request, slug):
    authority = get_object_or_404(LocalAuthority, slug=slug)
    inspections = Inspection.objects.for_authority(authority).select_related("authority")
    return render(
        request,
        "dashboards/authority_detail.html",
        {"authority": authority, "inspections": inspections},
    )


@require_GET
def inspection_detail(request, pk):
    inspection = get_object_or_404(Inspection.objects.select_related("authority"), pk=pk)
    return render(request, "dashboards/inspection_detail.html", {"inspection": inspection})
