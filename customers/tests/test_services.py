from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from customers import services
from customers.models import (
    Assignment,
    CheckState,
    ClassChange,
    Customer,
    CustomerNote,
    IdentityKey,
    OwnershipClaim,
    PipelineClass,
)
from customers.tests.factories import a_contact, complete_fields, make_customer
from salescrm.errors import DomainError
from salescrm.models import Notification
from salescrm.tests.factories import UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


# --- creating a file -----------------------------------------------------------------------------


def test_a_new_file_is_due_at_the_end_of_the_second_working_day_after_collection(salesperson):
    # Fri 13 Feb 2026: Sat 14 Feb is a make-up working day, then the Spring Festival.
    customer = make_customer(
        salesperson, collected_on=date(2026, 2, 13), now=at(2026, 2, 13, 16, 0)
    )

    assert timezone.localtime(customer.completion_due_at) == at(2026, 2, 24, 23, 59, 59, 999999)


def test_a_new_file_is_owned_by_its_collector_with_a_week_for_first_contact(salesperson):
    now = at(2026, 3, 2, 10, 0)

    customer = make_customer(salesperson, now=now)

    assert customer.owner == salesperson
    assert customer.entered_at == now
    assert customer.first_contact_due_at == now + timedelta(days=7)
    assignment = customer.assignments.get()
    assert assignment.reason == Assignment.Reason.COLLECTED
    assert assignment.assignee == salesperson


def test_a_manager_can_put_a_new_customer_in_the_pool(manager):
    customer = make_customer(actor=manager, to_pool=True)

    assert customer.owner is None
    assert customer.first_contact_due_at is None
    assert not customer.assignments.exists()


def test_a_salesperson_cannot_put_a_customer_in_the_pool(salesperson):
    with pytest.raises(DomainError):
        make_customer(actor=salesperson, to_pool=True)
    assert not Customer.objects.exists()


def test_a_file_with_everything_is_complete_at_once(salesperson):
    customer = make_customer(salesperson, contacts=[a_contact()], **complete_fields())

    assert customer.completed_at is not None


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"name": "上海远航贸易有限公司"}, {"name": "上海远航贸易股份有限公司"}),
        ({"name": "Acme Co., Ltd."}, {"name": "ＡＣＭＥ Company Limited"}),
        (
            {"name": "Alpha", "credit_code": "91350100M000100Y43"},
            {"name": "Beta", "credit_code": "91350100m000100y43"},
        ),
        ({"name": "Alpha", "phone": "021-6888 1234"}, {"name": "Beta", "phone": "+86 21 68881234"}),
        (
            {"name": "Alpha", "website": "https://www.alpha.com.cn/"},
            {"name": "Beta", "website": "alpha.com.cn"},
        ),
    ],
)
def test_the_first_record_wins(salesperson, other_salesperson, first, second):
    original = make_customer(salesperson, **first)

    with pytest.raises(services.DuplicateCustomer) as refused:
        make_customer(other_salesperson, **second)

    assert refused.value.existing == original
    assert str(salesperson) in str(refused.value)
    assert Customer.objects.count() == 1


def test_a_contact_phone_identifies_the_customer_too(salesperson, other_salesperson):
    make_customer(salesperson, contacts=[a_contact(phone="138 0013 8000")])

    with pytest.raises(services.DuplicateCustomer):
        make_customer(other_salesperson, name="Another name", phone="+86 13800138000")


def test_a_contact_email_identifies_the_customer_too(salesperson, other_salesperson):
    make_customer(salesperson, contacts=[a_contact(email="Li.Na@Alpha.cn")])

    with pytest.raises(services.DuplicateCustomer):
        make_customer(
            other_salesperson, name="Other", contacts=[a_contact(phone="", email="li.na@alpha.cn")]
        )


def test_a_refusal_names_the_owner_and_when_the_record_was_entered(salesperson, teammate):
    make_customer(salesperson, name="远航贸易", now=at(2026, 3, 2, 9, 30))

    with pytest.raises(services.DuplicateCustomer) as refused:
        make_customer(teammate, name="远航贸易有限公司")

    message = str(refused.value)
    assert str(salesperson) in message
    assert "2026" in message


def test_the_server_time_of_entry_decides_not_the_typed_collection_date(salesperson, teammate):
    make_customer(
        salesperson, name="Early Bird", collected_on=date(2026, 3, 2), now=at(2026, 3, 2, 9)
    )

    with pytest.raises(services.DuplicateCustomer):
        make_customer(
            teammate, name="Early Bird", collected_on=date(2026, 2, 1), now=at(2026, 3, 2, 10)
        )


def test_an_invalid_credit_code_is_refused(salesperson):
    with pytest.raises(DomainError, match="credit code"):
        make_customer(salesperson, credit_code="91350100M000100Y44")
    assert not Customer.objects.exists()


def test_a_credit_code_is_stored_normalised(salesperson):
    customer = make_customer(salesperson, credit_code=" 91350100m000100y43 ")

    assert customer.credit_code == "91350100M000100Y43"


def test_a_collection_date_in_the_future_is_refused(salesperson):
    with pytest.raises(DomainError):
        make_customer(salesperson, collected_on=timezone.localdate() + timedelta(days=1))


def test_front_desk_cannot_record_customers(front_desk):
    with pytest.raises(DomainError):
        make_customer(front_desk)


# --- changing a file -----------------------------------------------------------------------------


def test_renaming_onto_another_file_is_refused_and_changes_nothing(salesperson, teammate):
    make_customer(salesperson, name="Taken Name")
    mine = make_customer(teammate, name="Mine")

    with pytest.raises(services.DuplicateCustomer):
        services.customer_update(customer=mine, actor=teammate, data={"name": "TAKEN NAME Ltd"})

    mine.refresh_from_db()
    assert mine.name == "Mine"
    assert set(mine.keys.values_list("value", flat=True)) == {"mine"}


def test_completing_the_file_records_when_it_became_complete(salesperson):
    customer = make_customer(
        salesperson, contacts=[a_contact()], collected_on=date(2026, 3, 2), now=at(2026, 3, 2, 9)
    )
    assert customer.completed_at is None

    now = at(2026, 3, 3, 11, 0)
    updated = services.customer_update(
        customer=customer, actor=salesperson, data=complete_fields(), now=now
    )

    assert updated.completed_at == now


def test_emptying_a_required_field_makes_the_file_incomplete_again(salesperson):
    customer = make_customer(salesperson, contacts=[a_contact()], **complete_fields())

    updated = services.customer_update(customer=customer, actor=salesperson, data={"city": ""})

    assert updated.completed_at is None


def test_changing_the_collection_date_moves_the_file_deadline(salesperson):
    customer = make_customer(salesperson, collected_on=date(2026, 9, 29), now=at(2026, 9, 29, 9))

    updated = services.customer_update(
        customer=customer,
        actor=salesperson,
        data={"collected_on": date(2026, 9, 28)},
        now=at(2026, 9, 29, 10),
    )

    # Mon 28 Sep: Tue 29, Wed 30 are working days (National Day starts 1 Oct).
    assert timezone.localtime(updated.completion_due_at).date() == date(2026, 9, 30)


def test_every_change_is_kept_in_history(salesperson):
    customer = make_customer(salesperson)

    services.customer_update(customer=customer, actor=salesperson, data={"industry": "Food"})

    assert customer.history.count() >= 2
    assert customer.history.first().industry == "Food"


def test_a_contact_adds_its_phone_to_the_identity_keys(salesperson):
    customer = make_customer(salesperson)

    services.contact_save(
        customer=customer, actor=salesperson, data=a_contact(phone="139-1234-5678")
    )

    assert customer.keys.filter(kind=IdentityKey.Kind.PHONE, value="13912345678").exists()


def test_a_contact_whose_phone_belongs_to_another_customer_is_refused(salesperson, teammate):
    make_customer(salesperson, phone="13912345678")
    mine = make_customer(teammate)

    with pytest.raises(services.DuplicateCustomer):
        services.contact_save(customer=mine, actor=teammate, data=a_contact(phone="13912345678"))

    assert not mine.contacts.exists()


def test_removing_the_only_contact_releases_its_phone(salesperson, teammate):
    customer = make_customer(salesperson, contacts=[a_contact(phone="13912345678")])

    services.contact_delete(contact=customer.contacts.get(), actor=salesperson)

    make_customer(teammate, name="Someone else", phone="13912345678")


# --- classes -------------------------------------------------------------------------------------


def test_a_class_change_keeps_who_when_and_why(salesperson):
    customer = make_customer(salesperson)
    now = at(2026, 3, 5, 15, 0)

    services.customer_change_class(
        customer=customer,
        actor=salesperson,
        to_class=PipelineClass.KEY,
        reason="Budget confirmed",
        now=now,
    )

    change = ClassChange.objects.get()
    assert (change.from_class, change.to_class) == (PipelineClass.UNCLASSIFIED, PipelineClass.KEY)
    assert (change.changed_by, change.changed_at, change.reason) == (
        salesperson,
        now,
        "Budget confirmed",
    )
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.KEY


def test_signed_comes_only_from_an_agreement(salesperson):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.customer_change_class(
            customer=customer, actor=salesperson, to_class=PipelineClass.SIGNED, reason="x"
        )
    services.customer_change_class(
        customer=customer,
        actor=salesperson,
        to_class=PipelineClass.SIGNED,
        reason="Agreement",
        system=True,
    )
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.SIGNED


@pytest.mark.parametrize(
    ("to_class", "reason"), [("key", "  "), ("unclassified", "same"), ("bogus", "x")]
)
def test_a_class_change_needs_a_reason_and_a_real_move(salesperson, to_class, reason):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.customer_change_class(
            customer=customer, actor=salesperson, to_class=to_class, reason=reason
        )
    assert not ClassChange.objects.exists()


# --- assignment ----------------------------------------------------------------------------------


def test_the_manager_assigns_pool_customers_to_a_team_member(manager, salesperson):
    customers = [make_customer(actor=manager, to_pool=True) for _ in range(2)]
    now = at(2026, 3, 9, 9, 0)

    done = services.customers_assign(
        customers=customers, actor=manager, assignee=salesperson, now=now
    )

    assert set(done) == {c.pk for c in customers}
    for customer in customers:
        customer.refresh_from_db()
        assert customer.owner == salesperson
        assert customer.first_contact_due_at == now + timedelta(days=7)
        assert customer.assignments.get().reason == Assignment.Reason.MANAGER
    assert Notification.objects.filter(recipient=salesperson, kind="customer_assigned").count() == 2


def test_a_manager_cannot_assign_to_another_team(manager, other_salesperson):
    customer = make_customer(actor=manager, to_pool=True)

    with pytest.raises(DomainError):
        services.customers_assign(customers=[customer], actor=manager, assignee=other_salesperson)
    customer.refresh_from_db()
    assert customer.owner is None


def test_a_salesperson_cannot_assign(manager, salesperson):
    customer = make_customer(actor=manager, to_pool=True)

    with pytest.raises(DomainError):
        services.customers_assign(customers=[customer], actor=salesperson, assignee=salesperson)


def test_a_customer_someone_already_assigned_is_left_alone(manager, salesperson, teammate):
    customer = make_customer(actor=manager, to_pool=True)
    services.customers_assign(customers=[customer], actor=manager, assignee=salesperson)

    done = services.customers_assign(customers=[customer], actor=manager, assignee=teammate)

    assert done == {}
    customer.refresh_from_db()
    assert customer.owner == salesperson


def test_a_balanced_batch_follows_ability(manager, team):
    strong = UserFactory(team=team, ability_weight=3, username="strong")
    weak = UserFactory(team=team, ability_weight=1, username="weak")
    customers = [make_customer(actor=manager, to_pool=True) for _ in range(8)]

    done = services.customers_assign(customers=customers, actor=manager)

    given = list(done.values())
    assert given.count(strong) == 6
    assert given.count(weak) == 2


def test_the_proposal_prefers_the_lower_load_by_ability(manager, team):
    from customers.selectors import proposed_assignee

    busy = UserFactory(team=team, ability_weight=1, username="busy")
    free = UserFactory(team=team, ability_weight=1, username="free")
    make_customer(busy)

    assert proposed_assignee(team, now=timezone.now()) == free


def test_deactivating_a_user_returns_their_customers_to_the_pool(admin_user, salesperson):
    customers = [make_customer(salesperson) for _ in range(3)]

    moved = services.user_deactivate(user=salesperson, actor=admin_user)

    assert moved == 3
    salesperson.refresh_from_db()
    assert salesperson.is_active is False
    for customer in customers:
        customer.refresh_from_db()
        assert customer.owner is None
        assert customer.assignments.first().reason == Assignment.Reason.TO_POOL


def test_reassigning_moves_the_customer_and_tells_both(manager, salesperson, teammate):
    customer = make_customer(salesperson)

    services.customer_reassign(customer=customer, actor=manager, assignee=teammate)

    customer.refresh_from_db()
    assert customer.owner == teammate
    assert Notification.objects.filter(recipient=teammate, kind="customer_assigned").exists()
    assert Notification.objects.filter(
        recipient=salesperson, kind="customer_reassigned_away"
    ).exists()


# --- claims --------------------------------------------------------------------------------------


def test_a_claim_waits_for_the_owners_manager(
    manager, salesperson, other_salesperson, other_manager
):
    customer = make_customer(salesperson)

    claim = services.claim_file(
        customer=customer, claimant=other_salesperson, reason="Met them first"
    )

    assert claim.state == OwnershipClaim.State.PENDING
    assert claim.owner_at_claim == salesperson
    told = set(Notification.objects.filter(kind="claim_filed").values_list("recipient", flat=True))
    assert told == {manager.pk}
    assert services.claim_can_decide(manager, claim)
    assert not services.claim_can_decide(other_manager, claim)


def test_one_pending_claim_per_person(salesperson, teammate):
    customer = make_customer(salesperson)
    services.claim_file(customer=customer, claimant=teammate, reason="Mine")

    with pytest.raises(DomainError):
        services.claim_file(customer=customer, claimant=teammate, reason="Mine again")


def test_the_owner_cannot_claim_their_own_customer(salesperson):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.claim_file(customer=customer, claimant=salesperson, reason="x")


def test_keeping_the_owner_is_final(manager, salesperson, teammate):
    customer = make_customer(salesperson)
    claim = services.claim_file(customer=customer, claimant=teammate, reason="Mine")

    services.claim_decide(claim=claim, actor=manager, transfer=False, comment="First record wins")

    claim.refresh_from_db()
    customer.refresh_from_db()
    assert claim.state == OwnershipClaim.State.KEPT
    assert claim.decided_by == manager
    assert customer.owner == salesperson
    with pytest.raises(DomainError):
        services.claim_decide(claim=claim, actor=manager, transfer=True)


def test_transferring_gives_the_claimant_the_customer_and_settles_other_claims(
    manager, salesperson, teammate
):
    customer = make_customer(salesperson)
    third = UserFactory(team=manager.team, username="third")
    claim = services.claim_file(customer=customer, claimant=teammate, reason="Mine")
    other = services.claim_file(customer=customer, claimant=third, reason="No, mine")

    services.claim_decide(claim=claim, actor=manager, transfer=True)

    customer.refresh_from_db()
    other.refresh_from_db()
    assert customer.owner == teammate
    assert customer.assignments.first().reason == Assignment.Reason.CLAIM
    assert other.state == OwnershipClaim.State.KEPT


def test_another_teams_manager_cannot_decide(salesperson, teammate, other_manager):
    claim = services.claim_file(customer=make_customer(salesperson), claimant=teammate, reason="x")

    with pytest.raises(DomainError):
        services.claim_decide(claim=claim, actor=other_manager, transfer=True)
    claim.refresh_from_db()
    assert claim.state == OwnershipClaim.State.PENDING


# --- weekly check --------------------------------------------------------------------------------


def test_the_manager_marks_pending_files_checked(manager, salesperson):
    files = [make_customer(salesperson) for _ in range(3)]

    count = services.files_mark_checked(customers=files, actor=manager, comment="Good week")

    assert count == 3
    for customer in files:
        customer.refresh_from_db()
        assert customer.check_state == CheckState.CHECKED
        assert (customer.checked_by, customer.check_comment) == (manager, "Good week")


def test_marking_twice_counts_nothing_the_second_time(manager, salesperson):
    files = [make_customer(salesperson)]
    services.files_mark_checked(customers=files, actor=manager)

    assert services.files_mark_checked(customers=files, actor=manager) == 0


def test_a_returned_file_tells_the_owner_why_and_can_be_resubmitted(manager, salesperson):
    customer = make_customer(salesperson)

    services.file_return(customer=customer, actor=manager, reason="Add the contact's title")

    customer.refresh_from_db()
    assert customer.check_state == CheckState.RETURNED
    assert customer.check_comment == "Add the contact's title"
    note = Notification.objects.get(recipient=salesperson, kind="file_returned")
    assert note.body == "Add the contact's title"

    services.file_resubmit(customer=customer, actor=salesperson)

    customer.refresh_from_db()
    assert customer.check_state == CheckState.PENDING


@pytest.mark.parametrize("persona", ["other_manager", "teammate"])
def test_only_the_owners_manager_checks(request, salesperson, persona):
    customer = make_customer(salesperson)
    actor = request.getfixturevalue(persona)

    with pytest.raises(DomainError):
        services.file_return(customer=customer, actor=actor, reason="No")
    with pytest.raises(DomainError):
        services.files_mark_checked(customers=[customer], actor=actor)


def test_a_pending_file_cannot_be_resubmitted(salesperson):
    with pytest.raises(DomainError):
        services.file_resubmit(customer=make_customer(salesperson), actor=salesperson)


def test_a_return_needs_a_reason(manager, salesperson):
    with pytest.raises(DomainError):
        services.file_return(customer=make_customer(salesperson), actor=manager, reason=" ")


# --- escalation and guidance ---------------------------------------------------------------------


def test_an_escalation_reaches_the_manager_and_marks_the_customer(manager, salesperson):
    customer = make_customer(salesperson)

    services.note_add(
        customer=customer, actor=salesperson, kind="escalation", body="Big account, help"
    )

    customer.refresh_from_db()
    assert customer.escalated_at is not None
    assert Notification.objects.filter(recipient=manager, kind="escalation").exists()


def test_guidance_lands_in_the_owners_inbox(manager, salesperson):
    customer = make_customer(salesperson)

    services.note_add(customer=customer, actor=manager, kind="guidance", body="Call the CMO")

    note = Notification.objects.get(recipient=salesperson, kind="guidance")
    assert note.body == "Call the CMO"
    assert CustomerNote.objects.get().kind == CustomerNote.Kind.GUIDANCE


def test_only_the_owners_manager_gives_guidance(salesperson, other_manager, teammate):
    customer = make_customer(salesperson)

    for actor in (other_manager, teammate):
        with pytest.raises(DomainError):
            services.note_add(customer=customer, actor=actor, kind="guidance", body="x")


def test_the_manager_closes_an_escalation(manager, salesperson):
    customer = make_customer(salesperson)
    services.note_add(customer=customer, actor=salesperson, kind="escalation", body="Help")

    services.escalation_close(customer=customer, actor=manager)

    customer.refresh_from_db()
    assert customer.escalated_at is None
    with pytest.raises(DomainError):
        services.escalation_close(customer=customer, actor=manager)


@pytest.mark.parametrize("persona", ["teammate", "other_manager", "director"])
def test_only_the_owner_or_their_manager_changes_the_class(request, salesperson, persona):
    customer = make_customer(salesperson)

    with pytest.raises(DomainError):
        services.customer_change_class(
            customer=customer, actor=request.getfixturevalue(persona), to_class="key", reason="x"
        )


def test_a_note_goes_to_the_current_owner_not_a_stale_one(manager, salesperson, teammate):
    customer = make_customer(salesperson)
    stale = Customer.objects.get(pk=customer.pk)
    services.customer_reassign(customer=customer, actor=manager, assignee=teammate)

    services.note_add(customer=stale, actor=manager, kind="guidance", body="Call them")

    assert Notification.objects.filter(recipient=teammate, kind="guidance").exists()
    assert not Notification.objects.filter(recipient=salesperson, kind="guidance").exists()


def test_a_customer_from_a_company_marketing_event_goes_to_the_pool(salesperson):
    customer = make_customer(salesperson, source="marketing_event")

    assert customer.owner is None
    assert customer.entered_by == salesperson
    assert customer.first_contact_due_at is None
