from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Site")

    def ready(self):
        from .outage import desk_saved

        post_save.connect(desk_saved, sender="home.ConsultationDesk")
        from wagtail.signals import workflow_approved, workflow_rejected

        from . import review

        workflow_approved.connect(review.workflow_approved, dispatch_uid="ibasho-approved")
        workflow_rejected.connect(review.workflow_rejected, dispatch_uid="ibasho-rejected")
