from django.contrib import admin

from .models import LocalAuthority, PeerGroup, StatisticalNeighbour


class StatisticalNeighbourInline(admin.TabularInline):
    model = StatisticalNeighbour
    fk_name = "authority"
    extra = 0
    autocomplete_fields = ["neighbour"]


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "la_code",
        "gss_code",
        "ofsted_urn",
        "region",
        "ons_type",
        "existed_until",
    ]
    list_filter = ["region", "ons_type", ("existed_until", admin.EmptyFieldListFilter)]
    search_fields = ["name", "la_code", "gss_code", "ofsted_urn", "aliases"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["successors"]
    inlines = [StatisticalNeighbourInline]

    # As for inspections: every active staff member reads; changing needs the model's permission.
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_delete_permission(self, request, obj=None):
        # Inspections, lineage and neighbours hang on an authority; load_authorities keeps the list.
        return False


@admin.register(StatisticalNeighbour)
class StatisticalNeighbourAdmin(admin.ModelAdmin):
    list_display = ["authority", "rank", "neighbour", "model_version"]
    list_filter = ["model_version", "authority__region"]
    search_fields = ["authority__name", "neighbour__name"]
    autocomplete_fields = ["authority", "neighbour"]


@admin.register(PeerGroup)
class PeerGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "focus"]
    list_filter = ["authorities__region"]
    search_fields = ["name", "authorities__name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["authorities"]
