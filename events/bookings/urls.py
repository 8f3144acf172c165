from django.urls import path

from . import views

urlpatterns = [
    path("booking/", views.recover, name="booking_recover"),
    path("booking/<str:token>/", views.manage, name="booking_manage"),
    path("booking/<str:token>/cancel/", views.cancel, name="booking_cancel"),
    path("booking/<str:token>/calendar.ics", views.calendar, name="booking_calendar"),
]
