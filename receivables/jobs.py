"""The collection deadline job (run by Celery beat): remind before an instalment is due,
flag it overdue (逾期) after. Set-based: the due rows are claimed by indexed columns
(salescrm.jobs.flag_due) and marked, so running it twice changes nothing more."""

from datetime import datetime

from receivables.models import Instalment, PlanState
from receivables.services import money_url
from salescrm import people, stored_text
from salescrm.jobs import flag_due

RELATED = ("plan__agreement__salesperson", "plan__agreement__customer")


def _params(instalment: Instalment) -> dict:
    agreement = instalment.plan.agreement
    return {
        "number": instalment.number,
        "agreement": agreement.number,
        "customer": agreement.customer.name,
        "owner": str(agreement.salesperson),
        "due": stored_text.day(instalment.due_on),
        "amount": stored_text.amount(instalment.outstanding),
    }


def _to_salesperson(instalments):
    for instalment in instalments:
        agreement = instalment.plan.agreement
        yield (agreement.salesperson, "instalment_due_soon", _params(instalment),
               money_url(agreement), instalment)  # fmt: skip


def _to_salesperson_and_manager(instalments):
    managers = people.managers_of(i.plan.agreement.salesperson for i in instalments)
    for instalment in instalments:
        salesperson = instalment.plan.agreement.salesperson
        for person in {salesperson, managers.get(salesperson.team_id)} - {None}:
            yield (person, "instalment_overdue", _params(instalment),
                   money_url(instalment.plan.agreement), instalment)  # fmt: skip


def instalments(*, now: datetime) -> dict:
    open_ = Instalment.objects.filter(plan__state=PlanState.CONFIRMED, settled_at__isnull=True)
    reminded = flag_due(
        open_.filter(reminded_at__isnull=True, remind_at__lte=now, due_at__gte=now),
        changes={"reminded_at": now},
        reason="instalment: reminder",
        related=RELATED,
        tell=_to_salesperson,
    )
    overdue = flag_due(
        Instalment.objects.overdue(now).filter(overdue_at__isnull=True),
        changes={"overdue_at": now},
        reason="instalment: overdue",
        related=RELATED,
        tell=_to_salesperson_and_manager,
    )
    return {"instalment reminders": reminded, "instalments overdue": overdue}
