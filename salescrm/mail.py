"""The one way SalesCRM sends e-mail: subject / text / HTML templates, rendered together.

Templates live at `templates/email/<name>_subject.txt`, `<name>.txt` and
`<name>.html`, rendered in the recipient's language.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_mail(name: str, context: dict, *, language: str | None = None) -> tuple[str, str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"email/{name}_subject.txt", context)
        text = render_to_string(f"email/{name}.txt", context)
        html = render_to_string(f"email/{name}.html", context)
    # A header may not contain line breaks.
    subject = " ".join(subject.split())
    return subject, text, html


def send_mail(
    name: str,
    context: dict,
    *,
    to: list[str],
    language: str | None = None,
    from_email: str | None = None,
) -> int:
    """Render template `name` and send it as one multipart message; return messages sent."""
    subject, text, html = render_mail(name, context, language=language)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
    )
    message.attach_alternative(html, "text/html")
    return message.send()
