"""Every page renders for a visitor, in Japanese first, with the consultation desk."""

from django.test import override_settings

from wagtail.test.utils import WagtailPageTestCase

import pytest

from home.factories import OrganisationPageFactory
from tests.conftest import build_site_tree

pytestmark = pytest.mark.django_db


def test_every_page_in_the_tree_renders(client, site_tree):
    for page in site_tree.home.get_descendants(inclusive=True).live().specific():
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        assert response["Content-Type"].startswith("text/html")


class RenderableTests(WagtailPageTestCase):
    def test_every_page_type_is_renderable(self):
        tree = build_site_tree()
        for page in (tree.home, tree.events, tree.ibasho, tree.partners, tree.contact, tree.ward):
            self.assertPageIsRenderable(page.specific)


def test_home_page_is_japanese_with_landmarks_and_skip_link(client, site_tree):
    html = client.get("/").content.decode()
    assert '<html lang="ja">' in html
    assert 'href="#main"' in html and 'id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html
    assert "メインコンテンツへ" in html


def test_contact_the_desk_is_in_the_header_of_every_page(client, site_tree):
    for url in ("/", "/partners/", "/partners/toshima-ward/", "/events/", "/ibasho/"):
        html = client.get(url).content.decode()
        assert "相談する" in html, url
        assert 'href="/soudan/"' in html, url


def test_consultation_desk_is_in_every_footer(client, site_tree):
    for url in ("/", "/partners/", "/partners/hidamari/", "/soudan/"):
        html = client.get(url).content.decode()
        assert "テスト相談窓口" in html, url
        assert "03-1111-2222" in html, url
        assert "匿名でのご相談もできます" in html, url


def test_partners_are_grouped_by_kind_with_the_verified_badge(client, site_tree):
    html = client.get("/partners/").content.decode()
    assert "区役所" in html and "家族会" in html
    assert html.index("区役所") < html.index("豊島区 ひきこもり相談窓口")
    assert html.count("badge--verified") == 1  # only the ward is verified in this tree


def test_organisation_page_shows_kind_contact_and_badge(client, site_tree):
    html = client.get("/partners/toshima-ward/").content.decode()
    assert "豊島区 ひきこもり相談窓口" in html
    assert "区役所" in html
    assert "区が確認した団体" in html
    assert 'href="tel:0300000000"' in html
    unverified = client.get("/partners/hidamari/").content.decode()
    assert "区が確認した団体" not in unverified


def test_unpublished_organisations_are_neither_served_nor_listed(client, site_tree):
    draft = OrganisationPageFactory(parent=site_tree.partners, title="下書きの団体", slug="draft")
    draft.unpublish()
    assert client.get("/partners/draft/").status_code == 404
    assert "下書きの団体" not in client.get("/partners/").content.decode()
    assert "下書きの団体" not in client.get("/").content.decode()


def test_unknown_page_is_a_japanese_404(client, site_tree):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_english_interface_under_en(client, site_tree):
    html = client.get("/en/partners/").content.decode()
    assert '<html lang="en">' in html
    assert "Contact the desk" in html
    assert "Consultation desk" in html
    # The content stays as written; the way back to Japanese is offered.
    assert "豊島区 ひきこもり相談窓口" in html
    assert 'href="/partners/"' in html and 'hreflang="ja"' in html


def test_japanese_page_links_to_its_english_version(client, site_tree):
    html = client.get("/partners/").content.decode()
    assert 'href="/en/partners/"' in html and 'hreflang="en"' in html


def test_root_is_japanese_even_for_an_english_browser(client, site_tree):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ja">' in html


def test_public_pages_set_no_cookies(client, site_tree):
    response = client.get("/partners/")
    assert not response.cookies


@override_settings(DEBUG=False)
def test_no_server_error_for_odd_paths(client, site_tree):
    for url in ("/%E3%81%82/", "/partners/../", "/events/?page=abc", "/en/nothing/"):
        assert client.get(url).status_code < 500, url
