from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms.health import health
from cms.media import serve_media
from events.bookings import urls as booking_urls
from events.embed import urls as embed_urls
from events.feeds import urls as feed_urls
from home import urls as home_urls
from ibasho import urls as ibasho_urls

urlpatterns = [
    # Before the admin: Wagtail's own URLs require a logged-in user.
    path("admin/invitation/", include(home_urls)),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("health/", health, name="health"),
    # Calendar feeds: not language-prefixed (their content is Japanese), before the pages.
    path("", include(feed_urls)),
    # The widget partner sites embed (the only page other sites may frame).
    path("", include(embed_urls)),
    path("", include(ibasho_urls)),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

# Uploaded images: answered only with SERVE_MEDIA (or DEBUG); nginx serves them otherwise.
urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media))

# Japanese pages live at the root, the English interface under /en/.
urlpatterns += i18n_patterns(
    path("", include(booking_urls)),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

handler400 = "cms.errors.bad_request"
handler403 = "cms.errors.permission_denied"
handler500 = "cms.errors.server_error"
