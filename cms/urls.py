from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from events.bookings import urls as booking_urls
from events.embed import urls as embed_urls
from events.feeds import urls as feed_urls
from ibasho import urls as ibasho_urls

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Calendar feeds: not language-prefixed (their content is Japanese), before the pages.
    path("", include(feed_urls)),
    # The widget partner sites embed (the only page other sites may frame).
    path("", include(embed_urls)),
    path("", include(ibasho_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Japanese pages live at the root, the English interface under /en/.
urlpatterns += i18n_patterns(
    path("", include(booking_urls)),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
