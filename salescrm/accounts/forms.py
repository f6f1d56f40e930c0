from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )


class ConfirmCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class EmailPreferencesForm(forms.Form):
    """One choice per notification kind: e-mailed as it happens, in the daily summary, or not."""

    def __init__(self, *args, user, **kwargs):
        from salescrm import notifications

        super().__init__(*args, **kwargs)
        for kind in notifications.MESSAGES:
            self.fields[kind] = forms.ChoiceField(
                label=notifications.kind_label(kind),
                choices=list(notifications.EMAIL_MODES.items()),
                initial=notifications.email_mode(user, kind),
            )
