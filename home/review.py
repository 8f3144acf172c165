"""The ward's review as partners and ward staff meet it.

- Withdrawing a request for approval ("Cancel workflow" in Wagtail, 依頼を取り下げる
  here) asks first: the action menu's button opens a confirmation page instead of
  submitting the editor's form in one click.
- Approving or sending back a page says so (Wagtail confirms nothing when approving
  from the dashboard's review queue).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.action_menu import ActionMenuItem
from wagtail.models import Page

from .admin_request import current_request


def _title(obj):
    title = getattr(obj, "get_admin_display_title", None)
    return title() if title else str(obj)


class WithdrawRequestMenuItem(ActionMenuItem):
    """Takes the place of Wagtail's "Cancel workflow" button: a link to a confirmation."""

    label = gettext_lazy("Withdraw the request…")
    name = "action-cancel-workflow"
    icon_name = "error"

    def is_shown(self, context):
        if context["view"] != "edit":
            return False
        state = context["page"].current_workflow_state
        return bool(state and state.user_can_cancel(context["request"].user))

    def get_url(self, parent_context):
        return reverse("home_withdraw_request", args=(parent_context["page"].pk,))


def confirm_withdrawal(menu_items, request, context):
    """``construct_page_action_menu``: swap the one-click cancel for the confirmed one.
    Nothing else, when there are other actions, comes after it in importance."""
    for index, item in enumerate(menu_items):
        if item.name == "action-cancel-workflow" and not isinstance(item, WithdrawRequestMenuItem):
            menu_items[index] = WithdrawRequestMenuItem(order=item.order)


def withdraw_request(request, page_id):
    """Ask, then withdraw the request for approval; the page stays as it is, editable."""
    page = get_object_or_404(Page, pk=page_id).specific
    state = page.current_workflow_state
    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    if state is None:
        messages.info(request, _("This page is not waiting for approval."))
        return redirect(edit_url)
    if not state.user_can_cancel(request.user):
        raise PermissionDenied
    if request.method == "POST":
        state.cancel(user=request.user)
        messages.success(
            request,
            _("The request for approval of “%(title)s” is withdrawn. You can edit it again.")
            % {"title": _title(page)},
        )
        return redirect(edit_url)
    context = {"page": page, "workflow": state.workflow, "edit_url": edit_url}
    return TemplateResponse(request, "home/admin/withdraw_request.html", context)


def workflow_approved(sender, instance, user=None, **kwargs):
    request = current_request()
    if request is not None:
        messages.success(
            request,
            _("“%(title)s” is approved and published.")
            % {"title": _title(instance.content_object)},
        )


def workflow_rejected(sender, instance, user=None, **kwargs):
    request = current_request()
    if request is not None:
        messages.success(
            request,
            _("“%(title)s” was sent back for changes. Its editors are told.")
            % {"title": _title(instance.content_object)},
        )
