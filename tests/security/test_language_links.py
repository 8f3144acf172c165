"""Language links are built from what the path resolved to, never from the path as sent."""

import pytest

pytestmark = pytest.mark.django_db


def language_link(html):
    import re

    return re.search(r'<p class="language-switch">\s*<a href="([^"]*)"', html).group(1)


def test_a_double_slash_path_never_links_to_another_host(client, site_tree):
    response = client.get("/", PATH_INFO="//evil.example/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "evil.example" not in html
    assert language_link(html) == "/en/"


def test_an_english_404_links_to_the_japanese_home(client, site_tree):
    response = client.get("/", PATH_INFO="/en//evil.example/x")
    html = response.content.decode()
    assert "evil.example" not in html
    assert language_link(html) in {"/", "/en/"}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/events/", "/en/events/"),
        ("/events/?category=lecture", "/en/events/?category=lecture"),
        ("/en/ibasho/", "/ibasho/"),
        ("/", "/en/"),
    ],
)
def test_real_pages_keep_their_path_and_query(client, site_tree, path, expected):
    response = client.get(path)
    assert response.status_code == 200
    assert language_link(response.content.decode()) == expected
