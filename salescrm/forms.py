from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from salescrm import mail


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, sending through SalesCRM's one mail helper."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user = context["user"]
        mail.send_mail(
            "password_reset",
            context,
            to=[to_email],
            language=user.language or None,
            from_email=from_email,
        )
