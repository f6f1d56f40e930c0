"""Constants and small helpers shared by the contracts service tests (not a test module)."""

from datetime import timedelta
from decimal import Decimal

from contracts import services
from contracts.models import AgreementState, PlanState
from salescrm.models import Notification
from salescrm.testing.time import at

A = AgreementState
P = PlanState
D = Decimal


NOW = at(2026, 3, 2, 9, 0)  # a Monday
TODAY = NOW.date()


def delegate(delegator, delegate, *, valid_from=TODAY, valid_until=TODAY + timedelta(days=30)):
    return services.delegation_create(
        delegator=delegator,
        delegate=delegate,
        valid_from=valid_from,
        valid_until=valid_until,
        reason="On leave",
        actor=delegator,
    )


def history_states(document):
    return list(document.history.order_by("history_id").values_list("state", flat=True))


def kinds_for(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def recipients_of(kind):
    return {n.recipient.username for n in Notification.objects.filter(kind=kind)}
