from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Ofsted Compare administration"
admin.site.site_title = "Ofsted Compare"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("dashboards.urls")),
]
