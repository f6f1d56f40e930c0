"""Reads of customers, each scoped by customers.access and with its joins declared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from customers import access, identity, imports, rules
from customers.models import (
    Assignment,
    CheckState,
    Customer,
    CustomerImport,
    IdentityKey,
    OwnershipClaim,
    PipelineClass,
)
from salescrm import people
from salescrm.models import User
from salescrm.permissions import Capability, roles_with
from salescrm.workdays import day_range, monday_of, week_range

# Assignments in this many days count as "recent" when breaking ties.
RECENT_ASSIGNMENT_DAYS = 30
# Customers shown per class on the board (the counts cover all of them).
BOARD_COLUMN_SIZE = 12


def customer_list(user: User) -> QuerySet[Customer]:
    """The customers `user` may see, ready for a list page or an export.

    Nothing is aggregated over the table: what a row shows (last contact, next deadline) is
    stored on the customer, so a page reads its 50 rows through an index (models.Customer's
    list indexes) whatever the size of the table."""
    return (
        access.customers_for(user)
        .select_related("owner", "owner__team")
        .order_by("-entered_at", "-pk")
    )


def search(customers: QuerySet[Customer], text: str) -> QuerySet[Customer]:
    """`customers` whose name, a contact person's name, a phone (any format), the credit
    code or the normalised company name matches `text`: the one definition of finding a
    customer, for the list's search box and the search in the menu."""
    text = text.strip()
    if not text:
        return customers
    match = Q(name__icontains=text) | Q(contact_people__name__icontains=text)
    phone = identity.normalize_phone(text)
    name_key = identity.normalize_company_name(text)
    code = identity.normalize_credit_code(text)
    keys = Q()
    if phone:
        keys |= Q(kind=IdentityKey.Kind.PHONE, value__contains=phone.lstrip("+"))
    if name_key:
        keys |= Q(kind=IdentityKey.Kind.NAME, value__contains=name_key)
    if code and len(code) >= 6:
        match |= Q(credit_code__startswith=code)
    if keys:
        match |= Q(pk__in=IdentityKey.objects.filter(keys).values("customer_id"))
    return customers.filter(pk__in=Customer.objects.filter(match).values("pk"))


def customer_detail(customer: Customer) -> dict:
    contact_people = list(customer.contact_people.all())
    return {
        "contact_people": contact_people,
        "missing": rules.missing_fields(customer, contact_people),
        "thread": customer.thread.select_related("author"),
        "claims": customer.claims.select_related("claimant", "decided_by"),
        "history": customer.history.select_related("history_user").order_by("-history_date")[:50],
    }


def pool(user: User) -> QuerySet[Customer]:
    """The pool customers `user` sees (access.pool_for), oldest first, with their team and
    import batch (without the batch's file)."""
    return (
        access.pool_for(user)
        .select_related("pool_team", "source_import", "former_owner")
        .defer("source_import__content", "source_import__report")
        .order_by("entered_at", "pk")
    )


def pool_batches(user: User) -> QuerySet[CustomerImport]:
    """The import batches that still have customers in the pools `user` sees, newest first
    (to filter by; a batch drops out once all of it is assigned)."""
    in_pool = access.pool_for(user).filter(source_import__isnull=False).values("source_import")
    return (
        CustomerImport.objects.filter(pk__in=in_pool)
        .defer("content", "report")
        .order_by("-created_at", "-pk")
    )


def assignment_loads(members: list[User], *, now: datetime) -> list[rules.Load]:
    """Each person's open customers, ability weight and recent assignments, in two queries."""
    ids = [p.pk for p in members]
    open_counts = dict(
        Customer.objects.filter(owner_id__in=ids)
        .exclude(pipeline_class=PipelineClass.SIGNED)
        .values_list("owner_id")
        .annotate(n=Count("pk"))
    )
    since = now - timedelta(days=RECENT_ASSIGNMENT_DAYS)
    recent = dict(
        Assignment.objects.filter(assignee_id__in=ids, assigned_at__gte=since)
        .values_list("assignee_id")
        .annotate(n=Count("pk"))
    )
    return [
        rules.Load(
            person_id=p.pk,
            open_customers=open_counts.get(p.pk, 0),
            ability_weight=p.ability_weight,
            recent_assignments=recent.get(p.pk, 0),
            name=p.username,
        )
        for p in members
    ]


def proposed_assignee(team, *, now: datetime) -> User | None:
    """Who the next customer should go to in `team` (lowest load by ability)."""
    members = {p.pk: p for p in people.salespeople(team=team)}
    plan = rules.balance(assignment_loads(list(members.values()), now=now), 1)
    return members[plan[0]] if plan else None


def team_loads(team, *, now: datetime) -> list[tuple[User, rules.Load]]:
    members = list(people.salespeople(team=team))
    loads = {load.person_id: load for load in assignment_loads(members, now=now)}
    return [(p, loads[p.pk]) for p in members]


def week_bounds(day: date) -> tuple[date, date]:
    """Monday and Sunday of `day`'s week."""
    monday = monday_of(day)
    return monday, monday + timedelta(days=6)


@dataclass
class CheckWeek:
    """One week's files waiting for the manager's check, per salesperson."""

    monday: date
    sunday: date
    groups: list[tuple[User, list[Customer]]]

    @property
    def count(self) -> int:
        return sum(len(files) for _person, files in self.groups)


def check_queue(manager: User) -> list[CheckWeek]:
    """Every file waiting for the manager's check (rule 1.2), oldest week first, per week and
    salesperson: exactly pending_checks(manager), the files the home page counts."""
    files = pending_checks(manager).select_related("owner").order_by("entered_at", "pk")
    weeks: dict[date, dict[int, tuple[User, list[Customer]]]] = {}
    for customer in files:
        monday = monday_of(timezone.localdate(customer.entered_at))
        people_of_week = weeks.setdefault(monday, {})
        people_of_week.setdefault(customer.owner_id, (customer.owner, []))[1].append(customer)
    return [
        CheckWeek(
            monday=monday,
            sunday=monday + timedelta(days=6),
            groups=sorted(groups.values(), key=lambda group: (group[0].username, group[0].pk)),
        )
        for monday, groups in sorted(weeks.items())
    ]


def returned_files(user: User) -> QuerySet[Customer]:
    return Customer.objects.filter(owner=user, check_state=CheckState.RETURNED).select_related(
        "checked_by"
    )


def _team_claims(manager: User) -> Q:
    """Claims on the manager's team's customers or its pool's, or on customers of the
    company's pool the team claims (as services.claim_can_decide decides)."""
    team_id = people.managed_team_id(manager)
    if team_id is None:
        return Q(pk__in=[])
    in_pool = Q(customer__owner__isnull=True)
    return (
        Q(customer__owner__team_id=team_id)
        | (in_pool & Q(customer__pool_team_id=team_id))
        | (in_pool & Q(customer__pool_team__isnull=True, claimant__team_id=team_id))
    )


def claims_to_decide(manager: User) -> QuerySet[OwnershipClaim]:
    """Pending claims on the manager's team's customers, or on pool customers the team claims."""
    return (
        OwnershipClaim.objects.filter(state=OwnershipClaim.State.PENDING)
        .filter(_team_claims(manager))
        .select_related("customer", "customer__owner", "claimant")
        .order_by("created_at")
    )


def claims_for_decision(manager: User) -> QuerySet[OwnershipClaim]:
    """Claims a decision from `manager` may name: those to decide and those already decided
    (on the team's customers, or by this manager), so that a second click gets the service's
    "already decided" message rather than a 404."""
    return OwnershipClaim.objects.filter(
        _team_claims(manager) | Q(decided_by=manager)
    ).select_related("customer", "customer__owner", "claimant")


def claims_by(user: User) -> QuerySet[OwnershipClaim]:
    return OwnershipClaim.objects.filter(claimant=user).select_related(
        "customer", "decided_by", "owner_at_claim"
    )


def board(user: User) -> dict:
    """Customers by class (rule 3.1) with counts per salesperson, for resource allocation."""
    visible = access.customers_for(user).filter(owner__isnull=False)
    counts = (
        visible.values("owner_id", "pipeline_class").annotate(n=Count("pk")).order_by("owner_id")
    )
    owners = {
        u.pk: u
        for u in User.objects.filter(pk__in={row["owner_id"] for row in counts}).order_by(
            "username"
        )
    }
    table = {pk: dict.fromkeys(PipelineClass.values, 0) for pk in owners}
    totals = dict.fromkeys(PipelineClass.values, 0)
    for row in counts:
        table[row["owner_id"]][row["pipeline_class"]] = row["n"]
        totals[row["pipeline_class"]] += row["n"]
    columns = {}
    for value in PipelineClass.values:
        columns[value] = list(
            visible.filter(pipeline_class=value)
            .select_related("owner")
            .order_by("-entered_at")[:BOARD_COLUMN_SIZE]
        )
    return {
        "rows": [(owners[pk], [table[pk][c] for c in PipelineClass.values]) for pk in owners],
        "totals": [totals[c] for c in PipelineClass.values],
        "columns": [(PipelineClass(c), columns[c], totals[c]) for c in PipelineClass.values],
    }


def new_files_today(user: User, *, today: date) -> int:
    start, end = day_range(today, tz=timezone.get_current_timezone())
    mine = Customer.objects.filter(entered_by=user)
    return mine.filter(entered_at__gte=start, entered_at__lt=end).count()


def files_due(user: User) -> QuerySet[Customer]:
    """The owner's files still incomplete, soonest due first."""
    return Customer.objects.filter(owner=user, completed_at__isnull=True).order_by(
        "completion_due_at"
    )


def team_today(manager: User, *, today: date) -> list[dict]:
    """Per team member: new files today, incomplete files, overdue files."""
    start, end = day_range(today, tz=timezone.get_current_timezone())
    now = timezone.now()
    rows = []
    base = people.salespeople(team=people.managed_team_id(manager))
    new_today = dict(
        Customer.objects.filter(entered_by__in=base, entered_at__gte=start, entered_at__lt=end)
        .values_list("entered_by_id")
        .annotate(n=Count("pk"))
    )
    incomplete = dict(
        Customer.objects.filter(owner__in=base, completed_at__isnull=True)
        .values_list("owner_id")
        .annotate(n=Count("pk"))
    )
    overdue = dict(
        Customer.objects.file_overdue(now)
        .filter(owner__in=base)
        .values_list("owner_id")
        .annotate(n=Count("pk"))
    )
    # The pool rules (customers.recycling): customers each lost this week for want of follow-up.
    week_start, week_end = week_range(today, tz=timezone.get_current_timezone())
    returned = dict(
        Assignment.objects.filter(
            reason=Assignment.Reason.RECYCLED,
            previous_owner__in=base,
            assigned_at__gte=week_start,
            assigned_at__lt=week_end,
        )
        .values_list("previous_owner_id")
        .annotate(n=Count("pk"))
    )
    for person in base:
        rows.append(
            {
                "person": person,
                "new_today": new_today.get(person.pk, 0),
                "incomplete": incomplete.get(person.pk, 0),
                "overdue": overdue.get(person.pk, 0),
                "returned_this_week": returned.get(person.pk, 0),
            }
        )
    return rows


def pending_checks(manager: User) -> QuerySet[Customer]:
    """The team's files waiting for the manager's check, any week: the one definition, for
    the check page, the home page's counter, the worklist and the digest.

    The files salespeople entered (rule 1.2): leads a manager put in the pool or imported
    are not a salesperson's filing to check, even once assigned.
    """
    team_id = people.managed_team_id(manager)
    if team_id is None:
        return Customer.objects.none()
    return Customer.objects.filter(
        owner__team_id=team_id,
        check_state=CheckState.PENDING,
        entered_by__role__in=roles_with(Capability.SELL),
    )


def reassignment_queue(manager: User) -> QuerySet[Customer]:
    """The team's customers whose first contact was missed, waiting for the manager to reassign
    them or grant an extension before they are reassigned automatically (rule 1.3.3).

    Missed and not contacted since, as services.first_contact_extend decides; not by
    reassignment_due_at, which the job clears for a customer it found no one else to give to
    (those stay here, with no automatic reassignment). Oldest miss first; none for anyone but
    a manager of a team.
    """
    team_id = people.managed_team_id(manager)
    if team_id is None:
        return Customer.objects.none()
    return (
        access.customers_for(manager)
        .filter(
            owner__team_id=team_id,
            first_contact_missed_at__isnull=False,
            first_contact_at__isnull=True,
        )
        .select_related("owner")
        .order_by("first_contact_missed_at", "first_contact_due_at", "pk")
    )


def reassignment_proposals(
    customers: list[Customer], members: list[User], *, now: datetime
) -> dict[int, User]:
    """{customer id: the salesperson of `members` it should go to}, never its current owner.

    Balanced by load and ability as the automatic reassignment spreads them: each proposal
    counts as one more customer for the next. Two queries, however long the queue.
    """
    by_pk = {person.pk: person for person in members}
    loads = {load.person_id: load for load in assignment_loads(members, now=now)}
    proposals = {}
    for customer in customers:
        candidates = [load for pk, load in loads.items() if pk != customer.owner_id]
        if not candidates:
            continue
        (pick,) = rules.balance(candidates, 1)
        loads[pick].open_customers += 1
        loads[pick].recent_assignments += 1
        proposals[customer.pk] = by_pk[pick]
    return proposals


def recent_imports(user: User, *, limit: int = 10) -> QuerySet[CustomerImport]:
    """The lead lists `user` uploaded, newest first (without their files and reports)."""
    return (
        CustomerImport.objects.filter(uploaded_by=user)
        .defer("content", "report")
        .order_by("-created_at", "-pk")[:limit]
    )


def report_rows(customer_import: CustomerImport, *, status: str | None = None) -> list[dict]:
    """The reported rows of an import (of one status), each with its status label and message."""
    return [
        {**row, "label": imports.RowStatus.labels[row["status"]], "message": imports.describe(row)}
        for row in customer_import.report.get("rows", [])
        if status is None or row["status"] == status
    ]
