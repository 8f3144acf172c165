"""The admin's log-in form with every label in the user's language (Wagtail's own leaves
the password field's label to be made from its name, "Password")."""

from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
        self.fields["remember"].label = _("Remember me")
