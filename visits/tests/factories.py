"""Visit slips and logs built through the services, so every starting state is a valid one."""

from datetime import timedelta

from django.utils import timezone

from customers.tests.factories import make_customer
from salescrm import people
from visits import services
from visits.models import SlipState

PRE_VISIT_REPORT = {
    "recent_status": "Sent the spring brochure; they asked for prices.",
    "purpose": "Present the spring package.",
    "objectives": "Agree on a trial slot.",
    "likely_issues": "Budget is tight until April.",
}

# The moves that lead from a new draft to each state, in order.
PATHS = {
    SlipState.DRAFT: [],
    SlipState.SUBMITTED: ["submit"],
    SlipState.APPROVED: ["submit", "approve"],
    SlipState.DEPARTED: ["submit", "approve", "depart"],
    SlipState.RETURNED: ["submit", "approve", "depart", "return"],
    SlipState.CANCELLED: ["cancel"],
    "rejected": ["submit", "reject"],  # a draft again, with the manager's reason
}


def make_slip(
    owner,
    state=SlipState.DRAFT,
    *,
    customer=None,
    manager=None,
    front_desk=None,
    now=None,
    departure=None,
    back=None,
    departed_at=None,
    returned_at=None,
    reason="Not this week.",
    **fields,
):
    """A slip of `owner`'s, moved to `state` by the people allowed to move it.

    `now` is when it is planned, submitted and decided; it departs at `departed_at`
    (default: the planned departure) and returns at `returned_at` (default: the
    expected return). `manager` defaults to the owner's team manager; `front_desk`
    is needed for departed and returned slips. A revisit gets a pre-visit report.
    """
    now = now or timezone.now()
    departure = departure or now + timedelta(hours=2)
    back = back or departure + timedelta(hours=2)
    customer = customer or make_customer(owner, now=now)
    manager = manager or people.manager_of(owner)
    data = {"plan": "Visit the marketing manager.", "planned_departure": departure}
    data["expected_return"] = back
    if services.is_revisit(customer):
        data.update(PRE_VISIT_REPORT)
    data.update(fields)
    slip = services.slip_create(customer=customer, actor=owner, data=data, now=now)
    moves = {
        "submit": lambda: services.slip_submit(slip=slip, actor=owner, now=now),
        "approve": lambda: services.slip_approve(slip=slip, actor=manager, now=now),
        "reject": lambda: services.slip_reject(slip=slip, actor=manager, reason=reason, now=now),
        "depart": lambda: services.slip_depart(
            slip=slip, actor=front_desk, now=departed_at or departure
        ),
        "return": lambda: services.slip_return(
            slip=slip, actor=front_desk, now=returned_at or back
        ),
        "cancel": lambda: services.slip_cancel(slip=slip, actor=owner, reason=reason, now=now),
    }
    for move in PATHS[state]:
        if move in ("depart", "return") and front_desk is None:
            raise ValueError(f"a {state} slip needs the front desk")
        slip = moves[move]()
    slip.refresh_from_db()
    return slip


def make_log(owner, *, front_desk, **kwargs):
    """The (unwritten) visit log of a returned slip."""
    return make_slip(owner, SlipState.RETURNED, front_desk=front_desk, **kwargs).log
