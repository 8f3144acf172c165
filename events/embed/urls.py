"""The widget's public address: not language-prefixed (its content is Japanese), in front
of the page tree like the feeds."""

from django.urls import path

from . import views

urlpatterns = [path("events/widget/", views.upcoming_widget, name="events_widget")]
