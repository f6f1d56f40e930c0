"""E-mail: rendering, delivery through a real SMTP server, and the password reset flow."""

import copy
import email
import email.policy
import re
from pathlib import Path

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail as django_mail
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from salescrm import mail
from salescrm.tests.factories import TEST_PASSWORD, UserFactory

TEST_TEMPLATES = Path(__file__).resolve().parent / "templates"
NEW_PASSWORD = "vermilion-otter-Lantern-42"
# Chinese text uses full-width punctuation on purpose.
NOTICE_SUBJECT = "客户档案逾期提醒：上海远航贸易有限公司"
NOTICE_GREETING = "张伟，您好："


def test_render_mail_renders_the_password_reset_subject_text_and_html(db):
    user = UserFactory(first_name="Ada", last_name="Lovelace")
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    context = {
        "user": user,
        "protocol": "https",
        "domain": "crm.example.com",
        "uid": uid,
        "token": token,
    }

    subject, text, html = mail.render_mail("password_reset", context, language="en")

    link = f"https://crm.example.com/accounts/reset/{uid}/{token}/"
    assert subject == "Reset your SalesCRM password"
    assert "\n" not in subject
    assert "\r" not in subject
    assert "Hello Ada Lovelace," in text
    assert link in text
    assert "<html" not in text
    assert "Hello Ada Lovelace," in html
    assert f'<a href="{link}">' in html


@pytest.fixture
def test_templates(settings):
    """Make the test-only templates under salescrm/tests/templates loadable."""
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEST_TEMPLATES]
    settings.TEMPLATES = templates


@pytest.mark.integration
def test_send_mail_delivers_a_chinese_subject_with_text_and_html_parts_over_smtp(
    settings, smtp_server, test_templates
):
    controller, handler = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "SalesCRM <crm@example.com>"
    context = {"company": "上海远航贸易有限公司", "owner": "张伟", "days": 3}

    sent = mail.send_mail("test_notice", context, to=["zhang.wei@example.com"], language="zh-hans")

    assert sent == 1
    assert len(handler.envelopes) == 1
    envelope = handler.envelopes[0]
    assert envelope.mail_from == "crm@example.com"
    assert envelope.rcpt_tos == ["zhang.wei@example.com"]

    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    # Django 5.2 folds a long encoded subject after "Subject:" (an empty first line,
    # then " =?utf-8?b?...?="); Python's parser keeps that folding space, mail clients
    # drop it. The encoded words themselves must decode to exactly the subject.
    assert message["Subject"].strip() == NOTICE_SUBJECT
    assert [address.addr_spec for address in message["To"].addresses] == ["zhang.wei@example.com"]
    assert message["From"].addresses[0].addr_spec == "crm@example.com"
    assert message["From"].addresses[0].display_name == "SalesCRM"
    assert message.get_content_type() == "multipart/alternative"

    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    assert text_part is not None
    assert html_part is not None
    assert text_part.get_content_type() == "text/plain"
    assert html_part.get_content_type() == "text/html"
    assert NOTICE_GREETING in text_part.get_content()
    assert "客户“上海远航贸易有限公司”的档案已逾期 3 天未更新" in text_part.get_content()
    assert "<strong>上海远航贸易有限公司</strong>" in html_part.get_content()


def test_the_password_reset_e_mail_link_lets_the_user_choose_a_new_password(
    db, settings, django_capture_on_commit_callbacks
):
    # The worker makes the link from SITE_URL (it has no request to take a host from).
    settings.SITE_URL = "http://testserver"
    user = UserFactory(email="Reset.Me@example.com", language="en")
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "reset.me@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(django_mail.outbox) == 1
    message = django_mail.outbox[0]
    assert message.to == ["Reset.Me@example.com"]
    assert message.subject == "Reset your SalesCRM password"
    html_alternatives = [
        content for content, mimetype in message.alternatives if mimetype == "text/html"
    ]
    assert len(html_alternatives) == 1
    links = re.findall(r'href="(http://testserver/accounts/reset/[^"]*)"', html_alternatives[0])
    assert len(links) == 1, html_alternatives[0]
    match = re.fullmatch(r"http://testserver(/accounts/reset/[^/]+/[^/]+/)", links[0])
    assert match, links[0]
    assert match.group(1) in message.body  # the text part carries the same link

    # Django swaps the token for a session key and redirects to the set-password form.
    response = client.get(match.group(1))
    assert response.status_code == 302
    set_password_url = response["Location"]
    assert set_password_url.endswith("/set-password/")
    response = client.get(set_password_url)
    assert response.status_code == 200
    assert response.context["validlink"] is True

    response = client.post(
        set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_complete")
    assert Client().login(username=user.username, password=NEW_PASSWORD)
    assert not Client().login(username=user.username, password=TEST_PASSWORD)
    # The link works once only.
    assert client.get(match.group(1), follow=True).context["validlink"] is False


def test_plain_text_mail_is_not_html_escaped(db):
    user = UserFactory(first_name="Sean", last_name="O'Brien")
    context = {
        "user": user,
        "protocol": "https",
        "domain": "crm.example.com",
        "uid": "x",
        "token": "y",
    }

    _subject, text, html = mail.render_mail("password_reset", context, language="en")

    assert "Hello Sean O'Brien," in text
    assert "O&#x27;Brien" in html


def test_development_mail_is_one_eml_file_per_message(tmp_path, settings):
    settings.EMAIL_BACKEND = "salescrm.mail.EmlFileBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    from django.core.mail import get_connection

    with get_connection() as connection:
        for name in ("Ada", "张伟"):
            message = django_mail.EmailMultiAlternatives(
                subject=f"客户档案逾期提醒 {name}", body=f"{name}，您好", to=[f"{name}@example.com"]
            )
            message.attach_alternative(f"<p>{name}</p>", "text/html")
            connection.send_messages([message])

    files = sorted(tmp_path.glob("*.eml"))
    assert len(files) == 2
    read = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert sorted(m["Subject"] for m in read) == ["客户档案逾期提醒 Ada", "客户档案逾期提醒 张伟"]
    bodies = {m.get_body(("plain",)).get_content().strip() for m in read}
    assert bodies == {"Ada，您好", "张伟，您好"}
