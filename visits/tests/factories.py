"""Visit slips, logs and contact records built through the services, so every starting
state is a valid one."""

from datetime import timedelta

from django.utils import timezone

from customers.tests.factories import make_customer
from salescrm import people
from salescrm.models import User
from salescrm.roles import Role
from salescrm.tests.factories import UserFactory
from visits import services
from visits.models import Channel, SlipState

# The pre-visit report a revisit needs (make_slip fills it in for one).
PRE_VISIT_REPORT = {
    "recent_status": "Sent the brochure; they asked for prices",
    "purpose": "Present the spring outdoor package",
    "objectives": "Agree a trial month",
    "likely_issues": "Budget is set in April",
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


# --- a customer's slips around "now", as the view tests build them ----------------------------


def desk_clerk() -> User:
    """Someone at the front desk to register departures and returns."""
    return User.objects.filter(role=Role.FRONT_DESK).first() or UserFactory(role=Role.FRONT_DESK)


def make_slip_for(customer, state=SlipState.DRAFT, *, departure=None, back=None, **fields):
    """A slip for `customer` by its owner, moved to `state` by make_slip.

    By default it leaves an hour from now and is back two hours later. It is planned,
    submitted and decided now, or half an hour before it leaves if that is earlier;
    desk_clerk() registers the departure at `departure` and the return at `back`.
    """
    now = timezone.now()
    departure = departure or now + timedelta(hours=1)
    out = state in (SlipState.DEPARTED, SlipState.RETURNED)
    return make_slip(
        customer.owner,
        state,
        customer=customer,
        now=min(now, departure - timedelta(minutes=30)),
        departure=departure,
        back=back,
        front_desk=desk_clerk() if out else None,
        reason="Customer moved it",
        plan=fields.pop("plan", "Show the outdoor screens package"),
        **fields,
    )


def make_late_slip(customer):
    """A slip still out, due back two hours ago."""
    now = timezone.now()
    return make_slip_for(
        customer,
        SlipState.DEPARTED,
        departure=now - timedelta(hours=4),
        back=now - timedelta(hours=2),
    )


def make_revisit(customer, state=SlipState.SUBMITTED, **fields):
    """A first visit done, then a second one with its pre-visit report (unless `fields`
    say otherwise)."""
    now = timezone.now()
    make_slip_for(
        customer,
        SlipState.RETURNED,
        departure=now - timedelta(hours=5),
        back=now - timedelta(hours=3),
    )
    return make_slip_for(customer, state, **{**PRE_VISIT_REPORT, **fields})


def write_log(slip, **fields):
    data = {
        "person_met": "王芳",
        "person_title": "品牌总监",
        "person_phone": "13912345678",
        "decision_power": "yes",
        "needs": "More weekend shoppers",
        "notes": "Interested in the metro screens",
        "suggested_class": "potential",
        **fields,
    }
    return services.visit_log_write(log=slip.log, actor=slip.salesperson, data=data)


def make_contact(customer, *, meeting_at=None, summary="Called, booked a meeting"):
    return services.contact_record_add(
        customer=customer,
        actor=customer.owner,
        data={"channel": Channel.PHONE, "meeting_at": meeting_at, "summary": summary},
    )


# States for a list that has some of everything: waiting, approved, drafts, done, cancelled.
MIXED_STATES = [
    SlipState.SUBMITTED,
    SlipState.APPROVED,
    SlipState.DRAFT,
    SlipState.RETURNED,
    SlipState.CANCELLED,
]


def make_many_slips(owners, count):
    """`count` slips of every kind (one customer each), shared round the `owners`.

    Every fifth is a revisit waiting for approval, every seventh is out and late.
    """
    slips = []
    for number in range(count):
        owner = owners[number % len(owners)]
        customer = make_customer(owner)
        if number % 7 == 6:
            slips.append(make_late_slip(customer))
        elif number % 5 == 4:
            slips.append(make_revisit(customer))
        else:
            slips.append(make_slip_for(customer, MIXED_STATES[number % len(MIXED_STATES)]))
    return slips
