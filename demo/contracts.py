"""Demo price list, plans and agreements for `make run` (SPEC "Running it").

Runs after demo.visits. The price list is what an advertising company sells (TV, radio,
newspapers, outdoor, online; one product taken off the list). Then each demo salesperson
works a few of their customers through Figure 1 and Figure 2 over the last four weeks:
plans in every state (some rejected in review or declined by the customer and revised,
so they have several versions), agreements in every state (major ones, by a discount
beyond the salesperson's authority or by a total above the company threshold; one
returned by the manager with a reason; one the director turned down, put right and
signed; one with a letter of intent; signed ones with change requests, one past its
free allowance so the fee shows; one cancelled and drafted again). A manager signed for
another while on leave under a delegation now over, and signs for the director under
one running today.

Everything is made and moved through contracts.services in time order, with explicit
`now=` moments, so signatures, numbers, the customers' class history ("signed", "letter
of intent") and the inboxes are what real use would have left. Deterministic for a
given `now` and seed. Runs only while there are no products, plans or agreements at
all, and only when the customers were worked on in the last weeks (their class history
must come before what the agreements add to it).

The price list, the texts and the stories are in demo.contracts_stories; here each
story gets its customer and its events become steps.
"""

# ruff: noqa: RUF001  (full-width Chinese punctuation is part of the demo text)

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from functools import partial

from django.db.models import Max
from django.utils import timezone

from contracts import services
from contracts.models import (
    Agreement,
    AgreementState,
    Plan,
    PlanState,
    Product,
)
from customers.models import ClassChange, Customer, PipelineClass
from demo.base import CONTRACTS_LOCK, Seeder, seed_once
from demo.contracts_stories import (
    AUDIENCE_NOTE,
    CHANGE_KIND,
    DELEGATIONS,
    DESCRIPTIONS,
    GENERAL_THEMES,
    MOVES_CLASS,
    PACKAGES,
    PRICE_LIST,
    SEASONS,
    SPLIT,
    STORIES,
    TEXTS,
    THEME_BY_INDUSTRY,
    THEMES,
    UNIT_WORDS,
    Event,
    Story,
)
from salescrm import people
from salescrm import selectors as salescrm_selectors
from salescrm.history import acting_as
from salescrm.models import Notification, User
from salescrm.roles import Role

SEED = 20250620
# The customers' class history must reach into these last days for the demo to run.
RECENT_DAYS = 35

C = PipelineClass
P = PlanState
A = AgreementState

# --- the plan ---------------------------------------------------------------------------


@dataclass
class _Case:
    """One story being told: who, for which customer, and the documents so far."""

    story: Story
    person: User
    customer: Customer
    lang: int  # 0: Chinese, 1: English
    theme: str
    start: date  # the campaign's first day
    plan: Plan | None = None
    agreement: Agreement | None = None

    def text(self, key: str) -> str:
        return TEXTS[key][self.lang]


def seed_contracts(*, now: datetime | None = None, seed: int = SEED) -> dict:
    """Create the demo price list, plans and agreements unless any exist; returns counts."""
    return seed_once(_Seeder, now=now, seed=seed)


class _Seeder(Seeder):
    lock = CONTRACTS_LOCK
    roles = (Role.SALESPERSON, Role.MANAGER, Role.DIRECTOR)
    nothing = {"plans created": 0}

    def __init__(self, *, now: datetime, rng: random.Random, users: dict[str, User]):
        super().__init__(now=now, rng=rng, users=users)
        self.threshold = salescrm_selectors.policy().major_agreement_threshold
        self.director = users["director"]
        self.products: dict[str, Product] = {}
        self.delegates: dict[str, User] = {}

    @classmethod
    def seeded(cls) -> bool:
        return Product.objects.exists() or Plan.objects.exists() or Agreement.objects.exists()

    @classmethod
    def ready(cls, *, now: datetime, users: dict[str, User]) -> bool:
        # The stories follow on from the customers' last weeks (their class history comes
        # first): demo customers worked on long ago cannot carry them.
        return ClassChange.objects.filter(
            customer__owner__username__in=list(users),
            changed_at__gte=now - timedelta(days=RECENT_DAYS),
            changed_at__lt=now,
        ).exists()

    # --- time -------------------------------------------------------------------------

    def _day(self, days_back: int) -> date:
        """The working day `days_back` (1 or more) before today."""
        return self.calendar.add_working_days(self.today, -days_back)

    def _moment(self, days_back: int, at: str) -> datetime:
        hour, minute = map(int, at.split(":"))
        moment = datetime.combine(self._day(days_back), time(hour, minute), tzinfo=self.tz)
        if moment >= self.now:
            raise RuntimeError(f"demo step planned in the future: {moment}")
        return moment

    # --- the price list ---------------------------------------------------------------

    def _price_list(self) -> None:
        admin = User.objects.filter(username="admin", role=Role.ADMIN).first()
        with acting_as(admin):
            for code, name, medium, unit, price, active in PRICE_LIST:
                self.products[code] = Product.objects.create(
                    code=code,
                    name=name,
                    medium=medium,
                    unit=unit,
                    list_price=Decimal(price),
                    active=active,
                )

    # --- the stories ------------------------------------------------------------------

    def plan(self) -> None:
        self._price_list()  # made there and then: the stories sell from it
        self._plan_delegations()
        candidates = self._candidates()
        used: set[int] = set()
        # The stories that move a customer's class pick first: they need a quiet history.
        ordered = sorted(STORIES, key=lambda s: not any(e.action in MOVES_CLASS for e in s.events))
        for story in ordered:
            case = self._cast(story, candidates, used)
            if case is None:
                self.skipped.append(f"{story.key}: no customer fits")
                continue
            used.add(case.customer.pk)
            for event in story.events:
                actor = self._actor(case, event)
                run = partial(getattr(self, f"_{event.action}"), case, event)
                self._step(self._moment(event.days_back, event.at), actor, run)

    def _plan_delegations(self) -> None:
        for key, (giver, taker, start, until, recorded, reason) in DELEGATIONS.items():
            delegator, delegate = self.users[giver], self.users[taker]
            self.delegates[key] = delegate
            valid_from = self._day(start)
            valid_until = self._day(until) if until is not None else self.today + timedelta(7)
            at = self._moment(*recorded)
            run = partial(self._delegate, delegator, delegate, valid_from, valid_until, reason)
            self._step(at, delegator, run)

    def _candidates(self) -> dict[int, list[Customer]]:
        """The demo salespeople's customers, with when their class last changed."""
        people = [u for u in self.users.values() if u.role == Role.SALESPERSON]
        customers = (
            Customer.objects.filter(owner__in=people)
            .annotate(last_change=Max("class_changes__changed_at"))
            .order_by("pk")
        )
        by_owner: dict[int, list[Customer]] = {}
        for customer in customers:
            by_owner.setdefault(customer.owner_id, []).append(customer)
        return by_owner

    def _cast(self, story: Story, candidates, used) -> _Case | None:
        """The customer of the story: the person's own (else a teammate's), ready in time."""
        first = self._moment(story.events[0].days_back, story.events[0].at)
        moves = [self._moment(e.days_back, e.at) for e in story.events if e.action in MOVES_CLASS]
        ladder = [C.POTENTIAL, C.PROGRESSING, C.KEY, C.LETTER_OF_INTENT]
        if any(e.action == "a_loi" for e in story.events):  # the letter moves it forward
            ladder = ladder[:-1]
        person = self.users[story.person]
        teammates = [
            u
            for u in self.users.values()
            if u.role == Role.SALESPERSON
            and self.team_key[u.pk] == self.team_key[person.pk]
            and u != person
        ]
        team = [person, *sorted(teammates, key=lambda u: u.username)]
        for classes in (story.classes, tuple(ladder)):
            for owner in team:
                fits = [
                    c
                    for c in candidates.get(owner.pk, [])
                    if c.pk not in used
                    and c.pipeline_class in classes
                    and (c.assigned_at or c.entered_at) < first - timedelta(days=1)
                    and (
                        not moves
                        or (c.last_change or c.entered_at) < min(moves) - timedelta(minutes=30)
                    )
                ]
                if fits:
                    customer = self.rng.choice(fits)
                    lang = int(customer.name.isascii())
                    start = self.today + timedelta(story.starts_in + self.rng.randrange(8))
                    return _Case(story, owner, customer, lang, self._theme(customer), start)
        return None

    def _theme(self, customer: Customer) -> str:
        for words, theme in THEME_BY_INDUSTRY:
            if any(word in customer.industry for word in words):
                return theme
        return self.rng.choice(GENERAL_THEMES)

    def _actor(self, case: _Case, event: Event) -> User:
        if event.by == "director":
            return self.director
        if event.by.startswith("delegate_"):
            return self.delegates[event.by.removeprefix("delegate_")]
        if event.action in ("pass", "reject", "a_approve", "a_reject"):
            return people.manager_of(case.person)
        return case.person

    # --- what the documents say -------------------------------------------------------

    def _lines(self, case: _Case, package: str, how: str = "") -> list[dict]:
        """The package's lines at the prices the salesperson agreed for this customer."""
        start, end = self._period(case)
        authority = Decimal(case.person.discount_authority)
        lines = []
        for code, quantity, relative in PACKAGES[package]:
            product = self.products[code]
            if how == "within" and relative is not None:
                relative = min(relative, -1)
            if how == "smaller":
                quantity = max(1, quantity // 2)
            off = Decimal(0) if relative is None else max(authority + relative, Decimal(0))
            price = (product.list_price * (100 - off) / 100).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_UP
            )
            description = DESCRIPTIONS.get(code, ("", ""))[case.lang]
            lines.append(
                {
                    "product": product,
                    "description": description,
                    "period_start": start,
                    "period_end": end,
                    "quantity": quantity,
                    "agreed_price": price,
                }
            )
        if package == "cctv":  # national reach: above the threshold, whatever it is now
            while sum(line["agreed_price"] * line["quantity"] for line in lines) <= self.threshold:
                lines[0]["quantity"] += 1
        return lines

    def _period(self, case: _Case) -> tuple[date, date]:
        return case.start, case.start + timedelta(days=7 * case.story.weeks - 1)

    def _content(self, case: _Case, *, revised: bool) -> dict:
        story, lang = case.story, case.lang
        package = story.package if revised or not story.first_package else story.first_package
        lines = self._lines(case, package)
        title, objectives, audience, schedule = THEMES[case.theme][lang]
        start, end = self._period(case)
        season = SEASONS[start.month - 1][lang]
        unit_words = {unit: words[lang] for unit, words in UNIT_WORDS.items()}
        media = [
            f"• {line['product'].name} × {line['quantity']} {unit_words[line['product'].unit]}"
            + (
                (" ({})" if lang else "（{}）").format(line["description"])
                if line["description"]
                else ""
            )
            for line in lines
        ]
        budget = sum((line["agreed_price"] * line["quantity"] for line in lines), Decimal(0))
        if revised and not story.first_package:  # what the review asked for
            audience += AUDIENCE_NOTE[lang]
            split = ("；" if not lang else "; ").join(
                f"{line['product'].name} {line['agreed_price'] * line['quantity']:,.0f}"
                for line in lines
            )
            schedule += "\n" + SPLIT[lang] + split
        return {
            "title": f"{season} {start.year} {title}" if lang else f"{start.year}年{season}{title}",
            "objectives": objectives,
            "audience": audience,
            "media_mix": "\n".join(media),
            "schedule": schedule,
            "budget": (budget / 1000).quantize(Decimal(1), rounding=ROUND_CEILING) * 1000,
            "period_start": start,
            "period_end": end,
        }

    def _agreement_terms(self, case: _Case, payment: str) -> dict:
        start, end = self._period(case)
        return {
            "title": case.plan.title,
            "period_start": start,
            "period_end": end,
            "free_changes": case.story.free_changes,
            "fee_per_change": Decimal(case.story.fee),
            "payment_terms": case.text(payment or "payment"),
            "notes": case.text("notes"),
        }

    # --- the steps: each runs at its moment, through the services ---------------------

    def _after_steps(self) -> None:
        self._read_old_news()

    def _delegate(self, delegator, delegate, valid_from, valid_until, reason, at) -> None:
        services.delegation_create(
            delegator=delegator,
            delegate=delegate,
            valid_from=valid_from,
            valid_until=valid_until,
            reason=reason,
            actor=delegator,
            now=at,
        )

    def _draft(self, case: _Case, event: Event, at: datetime) -> None:
        case.plan = services.plan_create(
            customer=case.customer,
            actor=case.person,
            data=self._content(case, revised=False),
            now=at,
        )

    def _submit(self, case: _Case, event: Event, at: datetime) -> None:
        case.plan = services.plan_submit(plan=case.plan, actor=case.person, now=at)

    def _pass(self, case: _Case, event: Event, at: datetime) -> None:
        comment = case.text(event.text) if event.text else ""
        reviewer = self._actor(case, event)
        case.plan = services.plan_review(
            plan=case.plan, actor=reviewer, approve=True, comment=comment, now=at
        )

    def _reject(self, case: _Case, event: Event, at: datetime) -> None:
        reviewer = self._actor(case, event)
        case.plan = services.plan_review(
            plan=case.plan, actor=reviewer, approve=False, comment=case.text(event.text), now=at
        )

    def _revise(self, case: _Case, event: Event, at: datetime) -> None:
        # services.plan_update takes no `now`: a draft's edits carry no date of their own.
        data = self._content(case, revised=True)
        case.plan = services.plan_update(plan=case.plan, actor=case.person, data=data)

    def _send(self, case: _Case, event: Event, at: datetime) -> None:
        case.plan = services.plan_send(plan=case.plan, actor=case.person, now=at)

    def _decline(self, case: _Case, event: Event, at: datetime) -> None:
        case.plan = services.plan_decline(
            plan=case.plan, actor=case.person, feedback=case.text(event.text), now=at
        )

    def _cancel(self, case: _Case, event: Event, at: datetime) -> None:
        case.plan = services.plan_cancel(
            plan=case.plan, actor=case.person, reason=case.text(event.text), now=at
        )

    def _accept(self, case: _Case, event: Event, at: datetime) -> None:
        case.agreement = services.plan_accept(plan=case.plan, actor=case.person, now=at)

    def _terms(self, case: _Case, event: Event, at: datetime) -> None:
        how = event.text if event.text in ("within", "smaller") else ""
        payment = event.text if event.text.startswith("payment") else ""
        # services.agreement_update takes no `now`: a draft's edits carry no date of their own.
        case.agreement = services.agreement_update(
            agreement=case.agreement,
            actor=case.person,
            data=self._agreement_terms(case, payment),
            lines=self._lines(case, case.story.package, how),
        )

    def _a_submit(self, case: _Case, event: Event, at: datetime) -> None:
        case.agreement = services.agreement_submit(
            agreement=case.agreement, actor=case.person, now=at
        )

    def _a_approve(self, case: _Case, event: Event, at: datetime) -> None:
        comment = case.text(event.text) if event.text else ""
        case.agreement = services.agreement_decide(
            agreement=case.agreement,
            actor=self._actor(case, event),
            approve=True,
            comment=comment,
            now=at,
        )

    def _a_reject(self, case: _Case, event: Event, at: datetime) -> None:
        case.agreement = services.agreement_decide(
            agreement=case.agreement,
            actor=self._actor(case, event),
            approve=False,
            comment=case.text(event.text),
            now=at,
        )

    def _a_send(self, case: _Case, event: Event, at: datetime) -> None:
        case.agreement = services.agreement_send(
            agreement=case.agreement, actor=case.person, now=at
        )

    def _a_sign(self, case: _Case, event: Event, at: datetime) -> None:
        case.agreement = services.agreement_sign(
            agreement=case.agreement,
            actor=case.person,
            signed_on=timezone.localdate(at, self.tz),
            now=at,
        )

    def _a_loi(self, case: _Case, event: Event, at: datetime) -> None:
        case.agreement = services.agreement_record_loi(
            agreement=case.agreement,
            actor=case.person,
            signed_on=timezone.localdate(at, self.tz),
            now=at,
        )

    def _a_change(self, case: _Case, event: Event, at: datetime) -> None:
        services.change_request_add(
            agreement=case.agreement,
            actor=case.person,
            kind=CHANGE_KIND[event.text.split("_")[0]],
            description=case.text(event.text),
            now=at,
        )

    def _a_cancel(self, case: _Case, event: Event, at: datetime) -> None:
        case.agreement = services.agreement_cancel(
            agreement=case.agreement, actor=case.person, reason=case.text(event.text), now=at
        )

    def _a_new(self, case: _Case, event: Event, at: datetime) -> None:
        case.agreement = services.agreement_create(plan=case.plan, actor=case.person, now=at)

    def _read_old_news(self) -> None:
        """People have read what is done with: unread stays what still waits for them."""
        recent = self.now - timedelta(days=3)
        still_open = {  # notification kind -> (documents it is still news about)
            "plan_review_requested": Plan.objects.filter(state=P.IN_REVIEW),
            "plan_review_passed": Plan.objects.filter(state=P.APPROVED),
            "plan_review_rejected": Plan.objects.filter(state=P.DRAFT).exclude(return_reason=""),
            "plan_declined": Plan.objects.filter(state=P.DRAFT).exclude(return_reason=""),
            "plan_accepted": Agreement.objects.filter(state=A.DRAFT, revision=0),
            "agreement_submitted": Agreement.objects.filter(state=A.MANAGER_REVIEW),
            "agreement_needs_director": Agreement.objects.filter(state=A.DIRECTOR_REVIEW),
            "agreement_manager_approved": Agreement.objects.filter(state=A.DIRECTOR_REVIEW),
            "agreement_approved": Agreement.objects.filter(state=A.APPROVED),
            "agreement_rejected": Agreement.objects.filter(state=A.DRAFT).exclude(return_reason=""),
            "agreement_signed": Agreement.objects.filter(signed_recorded_at__gte=recent),
            "change_charged": Agreement.objects.filter(
                change_requests__free=False, change_requests__requested_at__gte=recent
            ),
        }
        for kind, documents in still_open.items():
            url = services.plan_url if documents.model is Plan else services.agreement_url
            urls = [url(document) for document in documents]
            Notification.objects.filter(kind=kind, read_at__isnull=True).exclude(
                url__in=urls
            ).update(read_at=self.now)

    # --- the result -------------------------------------------------------------------

    def counts(self) -> dict:
        agreements = Agreement.objects.all()
        counts = {
            "price list products created": Product.objects.count(),
            "plans created": Plan.objects.count(),
            "agreements created": agreements.count(),
        }
        if self.skipped:
            counts["demo contract steps skipped"] = len(self.skipped)
        return counts
