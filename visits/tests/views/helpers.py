"""Small builders shared by the visit view tests (not a test module itself).

Slips are walked through the services, so every state is one the app could reach.
"""

from datetime import timedelta

from django.utils import timezone

from customers.tests.factories import make_customer
from salescrm import people
from salescrm.models import User
from salescrm.roles import Role
from salescrm.tests.factories import UserFactory
from visits import services
from visits.models import Channel, SlipState

PRE_VISIT = {
    "recent_status": "Sent the brochure; they asked for prices",
    "purpose": "Present the spring outdoor package",
    "objectives": "Agree a trial month",
    "likely_issues": "Budget is set in April",
}


def desk_clerk() -> User:
    """Someone at the front desk to register departures and returns."""
    return User.objects.filter(role=Role.FRONT_DESK).first() or UserFactory(role=Role.FRONT_DESK)


def make_slip(customer, state=SlipState.DRAFT, *, departure=None, back=None, **fields):
    """A slip for `customer` (by its owner) walked through the services to `state`.

    By default it leaves an hour from now and is back two hours later. Departure and
    return are registered at `departure` and `back`.
    """
    now = timezone.now()
    departure = departure or now + timedelta(hours=1)
    back = back or departure + timedelta(hours=2)
    start = min(now, departure - timedelta(minutes=30))
    owner = customer.owner
    data = {
        "plan": fields.pop("plan", "Show the outdoor screens package"),
        "planned_departure": departure,
        "expected_return": back,
        **fields,
    }
    slip = services.slip_create(customer=customer, actor=owner, data=data, now=start)
    if state == SlipState.DRAFT:
        return slip
    if state == SlipState.CANCELLED:
        return services.slip_cancel(slip=slip, actor=owner, reason="Customer moved it", now=start)
    slip = services.slip_submit(slip=slip, actor=owner, now=start)
    if state == SlipState.SUBMITTED:
        return slip
    slip = services.slip_approve(slip=slip, actor=people.manager_of(owner), now=start)
    if state == SlipState.APPROVED:
        return slip
    slip = services.slip_depart(slip=slip, actor=desk_clerk(), now=departure)
    if state == SlipState.DEPARTED:
        return slip
    return services.slip_return(slip=slip, actor=desk_clerk(), now=back)


def make_late_slip(customer):
    """A slip still out, due back two hours ago."""
    now = timezone.now()
    return make_slip(
        customer,
        SlipState.DEPARTED,
        departure=now - timedelta(hours=4),
        back=now - timedelta(hours=2),
    )


def make_revisit(customer, state=SlipState.SUBMITTED, **fields):
    """A first visit done, then a second one with its pre-visit report."""
    now = timezone.now()
    make_slip(
        customer,
        SlipState.RETURNED,
        departure=now - timedelta(hours=5),
        back=now - timedelta(hours=3),
    )
    return make_slip(customer, state, **{**PRE_VISIT, **fields})


def write_log(slip, **fields):
    data = {
        "person_met": "王芳",
        "person_title": "品牌总监",
        "person_phone": "13912345678",
        "decision_power": "yes",
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
            slips.append(make_slip(customer, MIXED_STATES[number % len(MIXED_STATES)]))
    return slips
