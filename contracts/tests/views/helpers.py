"""URLs and small checks shared by the contracts view tests (not a test module itself).

Plans and agreements in each state come from contracts/tests/factories.py
(make_plan_in, make_agreement_in), walked through the services; the few states the app
could not reach are forced here with a queryset update (force_state), and say so.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from contracts.models import Plan, Signature

WATERMARK = "UNAPPROVED — NOT VALID"
WATERMARK_ZH = "未审批 — 无效"


def plan_url(name, plan, **kwargs) -> str:
    return reverse(f"contracts:{name}", kwargs={"pk": plan.pk, **kwargs})


def plan_act(plan, action) -> str:
    return reverse("contracts:plan_act", kwargs={"pk": plan.pk, "action": action})


def agreement_url(name, agreement) -> str:
    return reverse(f"contracts:{name}", kwargs={"pk": agreement.pk})


def agreement_act(agreement, action) -> str:
    return reverse("contracts:agreement_act", kwargs={"pk": agreement.pk, "action": action})


def force_state(document, state):
    """Put `document` in `state` behind the services' back (no signature is added)."""
    type(document).objects.filter(pk=document.pk).update(state=state)
    document.refresh_from_db()
    return document


def snapshot(document) -> dict:
    """Everything a refused action must leave as it was."""
    document.refresh_from_db()
    fields = {f.attname: getattr(document, f.attname) for f in document._meta.concrete_fields}
    target = "plan" if isinstance(document, Plan) else "agreement"
    fields["signatures"] = Signature.objects.filter(**{target: document}).count()
    fields["history"] = document.history.count()
    return fields


def yesterday():
    return timezone.localdate() - timedelta(days=1)


def tomorrow():
    return timezone.localdate() + timedelta(days=1)
