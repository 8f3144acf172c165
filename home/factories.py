"""Factories for the site frame's pages (tests and benchmarks)."""

import factory
import wagtail_factories

from .models import (
    HomePage,
    OrganisationIndexPage,
    OrganisationKind,
    OrganisationPage,
    StandardPage,
)


class HomePageFactory(wagtail_factories.PageFactory):
    title = "ひきこもり支援 イベント・居場所"
    slug = "home"
    intro = "ひとりで抱え込まず、まずは知ることから。"

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"お知らせ {n}")
    slug = factory.Sequence(lambda n: f"page-{n}")
    intro = "ご案内です。"

    class Meta:
        model = StandardPage


class OrganisationIndexPageFactory(wagtail_factories.PageFactory):
    title = "団体"
    slug = "partners"

    class Meta:
        model = OrganisationIndexPage


class OrganisationPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"テスト団体 {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = OrganisationKind.FAMILY_ASSOCIATION
    summary = "家族どうしで話せる会です。"

    class Meta:
        model = OrganisationPage
