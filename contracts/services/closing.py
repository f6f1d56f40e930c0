"""Closing: the customer signs the agreement (Figure 2's last step) or a letter of intent.

Either moves the customer forward in its pipeline class (signed, letter of intent),
never back, with the reason kept in the customer's class history.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Agreement, AgreementState, Step
from contracts.services.agreements import (
    AGREEMENT_TRANSITIONS,
    _lock_agreement,
    agreement_url,
    require_valid_agreement,
)
from contracts.services.signing import (
    _capacities,
    _may_act,
    _tell,
    eligible_signers,
)
from customers import services as customer_services
from customers.models import Customer, PipelineClass
from salescrm import people, stored_text
from salescrm.errors import DomainError
from salescrm.models import User

A = AgreementState


def agreement_sign(
    *, agreement: Agreement, actor: User, signed_on: date, now: datetime | None = None
) -> Agreement:
    """The customer signed on `signed_on`: the agreement is signed and the customer too."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        _may_act(actor, locked)
        require_valid_agreement(locked)
        AGREEMENT_TRANSITIONS.move(locked, A.SIGNED, _capacities(actor, locked.salesperson))
        if signed_on > timezone.localdate(now):
            raise DomainError(_("The signing date cannot be in the future."))
        if signed_on < timezone.localdate(locked.sent_at):
            raise DomainError(_("The customer cannot sign before the agreement was sent."))
        locked.signed_on, locked.signed_recorded_at = signed_on, now
        locked.save(update_fields=["state", "signed_on", "signed_recorded_at"])
        _move_customer(
            locked,
            PipelineClass.SIGNED,
            actor,
            now,
            reason_code="agreement_signed",
            day=signed_on,
        )
    recipients = [people.manager_of(locked.salesperson), locked.salesperson]
    if locked.is_major:
        recipients += eligible_signers(Step.DIRECTOR, locked.salesperson)
    _tell(
        "agreement_signed",
        recipients,
        actor,
        document=locked,
        url=agreement_url(locked),
        number=locked.number,
        total=stored_text.amount(locked.total),
    )
    return locked


CLASS_ORDER = list(PipelineClass.values)


def _move_customer(
    agreement: Agreement,
    to_class: str,
    actor: User,
    now: datetime,
    *,
    reason_code: str,
    day: date,
) -> None:
    """Move the customer forward to `to_class` (never backwards), kept in its class history."""
    # Locked before reading the class: a signing and a letter of intent at once must not
    # leave the customer moved backwards.
    customer = Customer.objects.select_for_update(of=("self",)).get(pk=agreement.customer_id)
    if CLASS_ORDER.index(customer.pipeline_class) >= CLASS_ORDER.index(to_class):
        return
    customer_services.customer_change_class(
        customer=customer,
        actor=actor,
        to_class=to_class,
        reason_code=reason_code,
        reason_params={"number": agreement.number, "day": stored_text.day(day)},
        system=True,
        now=now,
    )


def agreement_record_loi(
    *, agreement: Agreement, actor: User, signed_on: date, now: datetime | None = None
) -> Agreement:
    """The customer signed a letter of intent (意向书): the customer moves to that class."""
    now = now or timezone.now()
    if signed_on > timezone.localdate(now):
        raise DomainError(_("The signing date cannot be in the future."))
    with transaction.atomic():
        locked = _lock_agreement(agreement)
        if locked.state in (A.SIGNED, A.CANCELLED):
            raise DomainError(_("A letter of intent is recorded before the agreement is signed."))
        if not _capacities(actor, locked.salesperson):
            raise DomainError(
                _("You may not make this change to the %(document)s."), document=_("agreement")
            )
        if locked.loi_signed_on:
            raise DomainError(_("A letter of intent is already recorded."))
        locked.loi_signed_on = signed_on
        locked.save(update_fields=["loi_signed_on"])
        _move_customer(
            locked,
            PipelineClass.LETTER_OF_INTENT,
            actor,
            now,
            reason_code="letter_of_intent",
            day=signed_on,
        )
    return locked
