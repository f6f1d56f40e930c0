"""Rows for report tests, written straight to the tables with the exact moments a test
needs (the services stamp `now`; reports only read what is stored)."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from decimal import Decimal

from contracts.models import Agreement, AgreementState, Plan, PlanState, PlanVersion
from customers.models import Customer, PipelineClass, SourceChannel
from visits.models import ContactRecord, SlipState, VisitLog, VisitSlip

_numbers = itertools.count(1)


def customer(
    person,
    *,
    entered: datetime,
    due: datetime,
    completed: datetime | None = None,
    source: str = SourceChannel.TRADE_SHOW,
    pipeline_class: str = PipelineClass.TRACKING,
    first_contact_due: datetime | None = None,
    first_contact: datetime | None = None,
    collected_on: date | None = None,
    **fields,
) -> Customer:
    return Customer.objects.create(
        name=f"Customer {next(_numbers)}",
        source=source,
        collected_on=collected_on or entered.date(),
        owner=person,
        entered_by=person,
        entered_at=entered,
        completion_due_at=due,
        completed_at=completed,
        pipeline_class=pipeline_class,
        first_contact_due_at=first_contact_due,
        first_contact_at=first_contact,
        **fields,
    )


def contact(the_customer: Customer, person, when: datetime) -> ContactRecord:
    return ContactRecord.objects.create(
        customer=the_customer, author=person, contacted_at=when, channel="phone", summary="x"
    )


def visit(
    the_customer: Customer,
    person,
    *,
    departed: datetime,
    expected_return: datetime,
    returned: datetime | None = None,
    log_due: datetime | None = None,
    log_written: datetime | None = None,
) -> VisitSlip:
    slip = VisitSlip.objects.create(
        customer=the_customer,
        salesperson=person,
        plan="visit",
        planned_departure=departed,
        expected_return=expected_return,
        state=SlipState.RETURNED if returned else SlipState.DEPARTED,
        created_at=departed,
        departed_at=departed,
        returned_at=returned,
        overdue_at=expected_return,
    )
    if log_due:
        VisitLog.objects.create(
            slip=slip, customer=the_customer, author=person, due_at=log_due, written_at=log_written
        )
    return slip


def plan(
    the_customer: Customer,
    person,
    *,
    sent: datetime,
    outcome: str | None = None,
    decided: datetime | None = None,
    budget: str = "0",
) -> Plan:
    state = PlanState.ACCEPTED if outcome == PlanVersion.Outcome.ACCEPTED else PlanState.SUBMITTED
    if outcome == PlanVersion.Outcome.DECLINED:
        state = PlanState.DRAFT
    the_plan = Plan.objects.create(
        customer=the_customer,
        salesperson=person,
        title="plan",
        objectives="o",
        media_mix="m",
        budget=Decimal(budget),
        state=state,
        version=1,
        created_at=sent,
        submitted_to_customer_at=sent,
        customer_decided_at=decided,
    )
    PlanVersion.objects.create(
        plan=the_plan,
        number=1,
        content={},
        created_at=sent,
        created_by=person,
        outcome=outcome or PlanVersion.Outcome.APPROVED,
        outcome_at=decided,
    )
    return the_plan


def agreement(
    the_customer: Customer,
    person,
    *,
    total: str,
    signed_on: date | None = None,
    state: str = AgreementState.SIGNED,
    created: datetime,
    **fields,
) -> Agreement:
    the_plan = plan(
        the_customer, person, sent=created, outcome=PlanVersion.Outcome.ACCEPTED, decided=created
    )
    return Agreement.objects.create(
        number=f"T{next(_numbers):06d}",
        customer=the_customer,
        salesperson=person,
        plan=the_plan,
        title="agreement",
        total=Decimal(total),
        list_total=fields.pop("list_total", Decimal(total)),
        state=state,
        created_at=created,
        signed_on=signed_on,
        cancelled_at=created if state == AgreementState.CANCELLED else None,
        **fields,
    )
