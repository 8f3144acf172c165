from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IbashoConfig(AppConfig):
    name = "ibasho"
    verbose_name = _("Ibasho (places)")
