"""Where each page type may live: the tree rules of DESIGN.md."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from events.models import CalendarSharePage, EventIndexPage, EventPage
from home.models import HomePage, OrganisationIndexPage, OrganisationPage, StandardPage
from ibasho.models import IbashoIndexPage, IbashoPage


class PageTypeRulesTests(WagtailPageTestCase):
    def test_home_page_sits_at_the_root_and_holds_the_sections(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                EventIndexPage,
                IbashoIndexPage,
                OrganisationIndexPage,
                StandardPage,
                CalendarSharePage,
            },
        )

    def test_standard_pages_nest_under_home_and_each_other(self):
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(StandardPage, {StandardPage})

    def test_organisations_live_only_under_the_partners_index(self):
        self.assertAllowedParentPageTypes(OrganisationIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(OrganisationIndexPage, {OrganisationPage})
        self.assertAllowedParentPageTypes(OrganisationPage, {OrganisationIndexPage})
        self.assertAllowedSubpageTypes(OrganisationPage, {EventPage, IbashoPage})

    def test_calendar_and_map_indexes_hang_from_home(self):
        self.assertAllowedParentPageTypes(EventIndexPage, {HomePage})
        self.assertAllowedParentPageTypes(IbashoIndexPage, {HomePage})

    def test_the_calendar_sharing_page_hangs_from_home_alone(self):
        self.assertAllowedParentPageTypes(CalendarSharePage, {HomePage})
        self.assertAllowedSubpageTypes(CalendarSharePage, set())

    def test_singletons(self):
        for model in (
            HomePage,
            OrganisationIndexPage,
            EventIndexPage,
            IbashoIndexPage,
            CalendarSharePage,
        ):
            self.assertEqual(model.max_count, 1, model.__name__)


def test_every_page_model_declares_its_tree_rules():
    from wagtail.models import get_page_models

    ours = [m for m in get_page_models() if m._meta.app_label in {"home", "events", "ibasho"}]
    assert ours, "no page models found"
    for model in ours:
        assert "parent_page_types" in model.__dict__, model.__name__
        assert "subpage_types" in model.__dict__, model.__name__
