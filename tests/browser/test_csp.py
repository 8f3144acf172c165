"""Content-Security-Policy in the real browser: public pages (with the ibasho map and a
booking), a public page with an editor's userbar, and Wagtail's admin editor with its
preview, image chooser and rich text — none reports a violation."""

import pytest

from tests.bookings.conftest import bookable_event
from tests.browser.test_ibasho import build_places

pytestmark = pytest.mark.django_db(transaction=True)

WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
    window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(page):
    page.add_init_script(WATCH)
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def violations():
        found = list(console)
        for frame in page.frames:
            try:
                found += frame.evaluate("window.__csp || []")
            except Exception:  # noqa: BLE001, S112 (a frame that went away)
                continue
        return found

    page.csp_violations = violations
    return page


def test_public_pages_have_no_violations(live_server, watched):
    page = watched
    tree = build_places()
    event, occurrence = bookable_event(tree.ward, slug="gathering")
    base = live_server.url
    for path in ("/", "/events/", event.url, "/partners/", "/ibasho/print/", "/en/events/"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    page.goto(f"{base}/ibasho/")
    # A locator, not wait_for_function: polling a string predicate needs eval, which the
    # Content-Security-Policy forbids.
    page.locator("#ibasho-map[data-markers]").wait_for(state="attached")
    assert page.locator("#ibasho-map .leaflet-marker-icon").count() == 3
    page.locator("#ibasho-map .leaflet-marker-icon").first.dispatch_event("click")  # a popup
    page.goto(f"{base}{event.url}{occurrence.original_date.isoformat()}/")
    page.get_by_label("ニックネーム").fill("匿名")
    with page.expect_navigation():
        page.locator("form.booking-form button[type=submit], form button[type=submit]").last.click()
    assert "/booking/" in page.url
    page.wait_for_load_state("networkidle")
    assert page.csp_violations() == []


def test_the_admin_editor_has_no_violations(live_server, watched):
    from django.contrib.auth import get_user_model

    from wagtail_factories import ImageFactory

    from tests.conftest import build_site_tree

    page = watched
    tree = build_site_tree()
    event, _occurrence = bookable_event(tree.ward, slug="gathering")
    ImageFactory(title="会場の写真")
    get_user_model().objects.create_superuser("admin", "admin@example.jp", "pw-for-tests")
    base = live_server.url

    page.goto(f"{base}/admin/login/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill("pw-for-tests")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(f"{base}/admin/")
    page.wait_for_load_state("networkidle")

    page.goto(f"{base}/admin/pages/{event.pk}/edit/")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector(".Draftail-Editor", state="attached")
    # Every tab of the editor.
    for tab in page.locator('[role="tab"]').all():
        if tab.is_visible():
            tab.click()
    # The image chooser (a modal loaded with its own scripts).
    chooser = page.locator(
        "#id_image-chooser [data-chooser-action-choose], [data-chooser-action-choose]"
    )
    chooser.first.evaluate("button => button.click()")
    page.wait_for_selector(
        ".modal .image-choice, .modal [data-chooser-modal-choice]", timeout=15_000
    )
    page.locator(".modal [data-dismiss='modal'], .modal button.close").first.click()
    page.wait_for_selector(".modal.in", state="detached", timeout=10_000)
    # The live preview panel: the page rendered in a frame under /admin/.
    page.locator('[data-side-panel-toggle="preview"]').first.click()
    page.wait_for_selector("#w-preview-iframe", state="attached")
    page.frame_locator("#w-preview-iframe").locator("main h1").wait_for(timeout=15_000)
    # A StreamField: add a block to a standard page's body.
    page.goto(f"{base}/admin/pages/{tree.contact.pk}/edit/")
    page.wait_for_load_state("networkidle")
    page.locator(".c-sf-add-button").first.click()
    page.wait_for_selector(".w-combobox, [role='listbox']", timeout=10_000)
    page.goto(f"{base}/admin/images/")
    page.wait_for_load_state("networkidle")
    assert page.csp_violations() == []

    # A public page with the editor's userbar.
    page.goto(f"{base}{event.url}")
    page.wait_for_load_state("networkidle")
    assert page.locator("wagtail-userbar").count() == 1
    assert page.csp_violations() == []
