"""The one way SalesCRM sends e-mail: subject / text / HTML templates, rendered together.

Templates live at `templates/email/<name>_subject.txt`, `<name>.txt` and
`<name>.html`, rendered in the recipient's language.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone, translation


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


class EmlFileBackend(BaseEmailBackend):
    """Development mail: each message is one ``.eml`` file under ``EMAIL_FILE_PATH``.

    Any mail program opens such a file with its subject, both parts and the
    recipients as sent; the file name starts with the time, so ``ls`` sorts them.
    """

    def __init__(self, *, file_path: str | Path | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        for message in email_messages:
            path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\r\n"))
        return len(email_messages)
