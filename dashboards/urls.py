from django.urls import path

from . import views

app_name = "dashboards"
urlpatterns = [
    path("", views.compare, name="compare"),
    path("grid/", views.grid, name="grid"),
    path("peers/", views.peer_position, name="peers"),
    path("map/", views.england_map, name="map"),
    path("export.csv", views.export_csv, name="export"),
    path("authorities/<slug:slug>/", views.authority_detail, name="authority"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("documents/<int:pk>/", views.document, name="document"),
]
