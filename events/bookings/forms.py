"""The registration form: a nickname and the number of people, everything else optional."""

from django import forms
from django.utils.translation import gettext_lazy as _

from home.text import PlainTextFormMixin, single_line

from ..choices import Residence, Who

NICKNAME_MAX = 40


class BookingForm(PlainTextFormMixin, forms.Form):
    nickname = forms.CharField(
        label=_("Nickname"),
        max_length=NICKNAME_MAX,
        help_text=_("Any name you like. 「匿名」 is fine."),
        widget=forms.TextInput(attrs={"placeholder": "匿名", "autocomplete": "nickname"}),
        error_messages={
            "required": _("Please enter a nickname (「匿名」 is fine)."),
            "max_length": _("Please keep the nickname to %(limit_value)d characters."),
        },
    )
    party_size = forms.TypedChoiceField(
        label=_("Number of people"),
        coerce=int,
        error_messages={"invalid_choice": _("Please choose the number of people.")},
    )
    slot = forms.TypedChoiceField(label=_("Time"), coerce=int, required=False)
    who = forms.ChoiceField(
        label=_("Who is coming (optional)"),
        required=False,
        choices=[("", _("Prefer not to say")), *Who.choices],
    )
    residence = forms.ChoiceField(
        label=_("Where you live (optional)"),
        required=False,
        choices=[("", _("Prefer not to say")), *Residence.choices],
    )
    municipality = forms.CharField(
        label=_("Municipality (optional)"),
        required=False,
        max_length=40,
        error_messages={"max_length": _("Please keep this to %(limit_value)d characters.")},
    )
    first_time = forms.TypedChoiceField(
        label=_("Is this your first time? (optional)"),
        required=False,
        coerce=lambda value: {"yes": True, "no": False}.get(value),
        empty_value=None,
        choices=[("", _("Prefer not to say")), ("yes", _("Yes")), ("no", _("No"))],
    )
    email = forms.EmailField(
        label=_("E-mail for confirmation and reminders (optional)"),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Please check the e-mail address."),
            "max_length": _("This e-mail address is too long."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    wants_reminder = forms.BooleanField(
        label=_("Send me a reminder the day before"), required=False
    )
    needs = forms.CharField(
        label=_("Anything we should know for the day (optional)"),
        help_text=_("e.g. step-free access, camera off, listening only"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Please keep this to %(limit_value)d characters.")},
    )
    audience_confirmed = forms.BooleanField(required=False)
    # A field people never see; bots fill it in.
    website = forms.CharField(
        required=False,
        label=_("Leave this empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, event, slots=(), limit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        limit = limit or event.max_party_size
        self.fields["party_size"].choices = [
            (n, _("%(n)d person") % {"n": n} if n == 1 else _("%(n)d people") % {"n": n})
            for n in range(1, limit + 1)
        ]
        if slots:
            self.fields["slot"].required = True
            self.fields["slot"].choices = [(slot.pk, slot.label) for slot in slots]
            self.fields["slot"].error_messages["required"] = _("Please choose a time.")
            self.fields["slot"].error_messages["invalid_choice"] = _(
                "That time is no longer free. Please choose another."
            )
        else:
            del self.fields["slot"]
        rules = []
        if event.women_only:
            rules.append(_("women"))
        if event.mothers_only:
            rules.append(_("mothers"))
        if rules:
            self.fields["audience_confirmed"].required = True
            self.fields["audience_confirmed"].label = _(
                "This meeting is for %(who)s. I confirm that it is for me."
            ) % {"who": "・".join(str(r) for r in rules)}
            self.fields["audience_confirmed"].error_messages["required"] = _(
                "Please confirm that this meeting is for you."
            )
        else:
            del self.fields["audience_confirmed"]

    def clean_nickname(self):
        nickname = " ".join(single_line(self.cleaned_data["nickname"]).split())
        if not nickname:
            raise forms.ValidationError(self.fields["nickname"].error_messages["required"])
        return nickname

    def clean_needs(self):
        return self.cleaned_data["needs"].strip()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("wants_reminder") and not cleaned.get("email"):
            self.add_error("email", _("Enter an e-mail address to get a reminder."))
        return cleaned

    @property
    def is_bot(self):
        return bool(self.data.get("website"))


class PartySizeForm(forms.Form):
    party_size = forms.TypedChoiceField(label=_("Number of people"), coerce=int)

    def __init__(self, *args, maximum, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party_size"].choices = [(n, str(n)) for n in range(1, maximum + 1)]
