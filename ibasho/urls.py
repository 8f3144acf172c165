from django.urls import path

from . import views

urlpatterns = [path("ibasho/places.geojson", views.geojson, name="ibasho_geojson")]
