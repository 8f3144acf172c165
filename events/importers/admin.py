"""Partner calendars in the Wagtail admin: ward staff (``enable_partnerfeed``) see and
enable every calendar; a partner's editors see their own organisation's and may propose
one, which the ward then enables. The list shows how fresh each calendar's events are
and its last error."""

from django import forms
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import DeleteView, EditView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy

from home.models import OrganisationPage
from home.partners import organisations_of

from .models import PartnerFeed, normalise_feed_url, validate_feed_url
from .tasks import refresh_partner_feed

ENABLE = "events.enable_partnerfeed"


def is_ward(user):
    return user.is_active and (user.is_superuser or user.has_perm(ENABLE))


def scoped_feeds(user, queryset=None):
    """The calendars ``user`` may see: all for ward staff, else their organisations'."""
    queryset = PartnerFeed.objects.all() if queryset is None else queryset
    if not user.is_active:
        return queryset.none()
    if is_ward(user):
        return queryset
    return queryset.filter(organisation__in=organisations_of(user))


class PartnerFeedPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return scoped_feeds(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return PartnerFeed.objects.none()
        return scoped_feeds(user)


class FeedURLField(forms.URLField):
    """Takes webcal:// (what calendar sites offer for subscribing) as https://."""

    default_validators = [validate_feed_url]

    def to_python(self, value):
        return super().to_python(normalise_feed_url(value))


class PartnerFeedForm(WagtailAdminModelForm):
    url = FeedURLField(
        label=PartnerFeed._meta.get_field("url").verbose_name,
        help_text=PartnerFeed._meta.get_field("url").help_text,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": validate_feed_url.message},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = OrganisationPage.objects.order_by("title")
        if self.for_user is not None and not is_ward(self.for_user):
            organisations = organisations_of(self.for_user).order_by("title")
        self.fields["organisation"].queryset = organisations

    def save(self, commit=True):
        feed = super().save(commit=False)
        user = self.for_user
        ward = user is not None and is_ward(user)
        if feed.proposed_by_id is None and feed.approved_at is None and not ward:
            feed.proposed_by = user
        if not ward and "url" in self.changed_data:
            feed.enabled = False  # a new address needs the ward's approval again
            feed.approved_at = feed.approved_by = None
        enabling = ward and feed.enabled and feed.approved_at is None
        if enabling:
            feed.approved_by, feed.approved_at = user, timezone.now()
        if "url" in self.changed_data:
            feed.etag = feed.last_modified = feed.content_hash = ""
            feed.last_attempt_at = feed.last_parsed_at = None
        if commit:
            feed.save()
            if enabling and feed.url:  # its events appear now, not at the next periodic run
                transaction.on_commit(lambda: refresh_partner_feed.enqueue(feed.pk))
        return feed


def freshness(feed):
    """How old the shown events are, in words."""
    if not feed.url:
        return _("Imported once from a file")
    age = feed.staleness()
    if age is None:
        return _("Not imported yet")
    text = _("Updated %(ago)s ago") % {"ago": timesince(feed.last_success_at)}
    if feed.is_stale():
        text = _("Out of date: %(text)s") % {"text": text}
    return text


def last_problem(feed):
    if feed.last_error:
        return feed.last_error
    if feed.last_warnings:
        first = feed.last_warnings.splitlines()[0]
        return _("Left out: %(line)s") % {"line": first}
    return ""


class PartnerFeedIndexView(IndexView):
    def get_base_queryset(self):
        queryset = super().get_base_queryset().select_related("organisation")
        return scoped_feeds(self.request.user, queryset)


class ScopedObjectMixin:
    """Another organisation's calendar is not found (Wagtail's generic edit view checks
    the model permission only)."""

    def get_object(self, queryset=None):
        pk = unquote(str(self.kwargs[self.pk_url_kwarg]))
        return get_object_or_404(scoped_feeds(self.request.user), pk=pk)


class PartnerFeedEditView(ScopedObjectMixin, EditView):
    pass


class PartnerFeedDeleteView(ScopedObjectMixin, DeleteView):
    pass


class PartnerFeedInspectView(ScopedObjectMixin, InspectView):
    pass


class PartnerFeedViewSet(ModelViewSet):
    model = PartnerFeed
    icon = "calendar-alt"
    menu_label = gettext_lazy("Partner calendars")
    menu_order = 270
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = PartnerFeedIndexView
    edit_view_class = PartnerFeedEditView
    delete_view_class = PartnerFeedDeleteView
    inspect_view_class = PartnerFeedInspectView
    list_display = [
        "name",
        "organisation",
        Column("review_state", label=gettext_lazy("State"), accessor="review_state"),
        Column("freshness", label=gettext_lazy("Events shown"), accessor=freshness),
        Column("event_count", label=gettext_lazy("Number of dates"), accessor="event_count"),
        Column("last_problem", label=gettext_lazy("Last error"), accessor=last_problem),
    ]
    list_filter = ["enabled", "organisation"]
    search_fields = ["name", "url"]
    inspect_view_fields = [
        "name",
        "url",
        "organisation",
        "category",
        "enabled",
        "refresh_minutes",
        "include_in_our_feeds",
        "proposed_by",
        "approved_by",
        "approved_at",
        "last_attempt_at",
        "last_success_at",
        "last_changed_at",
        "event_count",
        "last_error",
        "last_warnings",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("url"),
            FieldPanel("organisation"),
            FieldPanel("category"),
            FieldRowPanel([FieldPanel("refresh_minutes")]),
            FieldPanel("enabled", permission=ENABLE),
            FieldPanel("include_in_our_feeds", permission=ENABLE),
        ],
        base_form_class=PartnerFeedForm,
    )


partner_feed_viewset = PartnerFeedViewSet("partner_feeds")
