"""Creating and changing a customer file, its contact people (services.files)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from customers import services
from customers.models import Assignment, Customer, IdentityKey
from customers.tests.factories import a_contact_person, complete_fields, make_customer
from salescrm.errors import DomainError
from salescrm.testing.time import at

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
    customer = make_customer(salesperson, contact_people=[a_contact_person()], **complete_fields())

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
    make_customer(salesperson, contact_people=[a_contact_person(phone="138 0013 8000")])

    with pytest.raises(services.DuplicateCustomer):
        make_customer(other_salesperson, name="Another name", phone="+86 13800138000")


def test_a_contact_email_identifies_the_customer_too(salesperson, other_salesperson):
    make_customer(salesperson, contact_people=[a_contact_person(email="Li.Na@Alpha.cn")])

    with pytest.raises(services.DuplicateCustomer):
        make_customer(
            other_salesperson,
            name="Other",
            contact_people=[a_contact_person(phone="", email="li.na@alpha.cn")],
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


def test_a_customer_from_a_company_marketing_event_goes_to_the_pool(salesperson):
    customer = make_customer(salesperson, source="marketing_event")

    assert customer.owner is None
    assert customer.entered_by == salesperson
    assert customer.first_contact_due_at is None


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
        salesperson,
        contact_people=[a_contact_person()],
        collected_on=date(2026, 3, 2),
        now=at(2026, 3, 2, 9),
    )
    assert customer.completed_at is None

    now = at(2026, 3, 3, 11, 0)
    updated = services.customer_update(
        customer=customer, actor=salesperson, data=complete_fields(), now=now
    )

    assert updated.completed_at == now


def test_emptying_a_required_field_makes_the_file_incomplete_again(salesperson):
    customer = make_customer(salesperson, contact_people=[a_contact_person()], **complete_fields())

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

    services.contact_person_save(
        customer=customer, actor=salesperson, data=a_contact_person(phone="139-1234-5678")
    )

    assert customer.keys.filter(kind=IdentityKey.Kind.PHONE, value="13912345678").exists()


def test_a_contact_whose_phone_belongs_to_another_customer_is_refused(salesperson, teammate):
    make_customer(salesperson, phone="13912345678")
    mine = make_customer(teammate)

    with pytest.raises(services.DuplicateCustomer):
        services.contact_person_save(
            customer=mine, actor=teammate, data=a_contact_person(phone="13912345678")
        )

    assert not mine.contact_people.exists()


def test_removing_the_only_contact_releases_its_phone(salesperson, teammate):
    customer = make_customer(salesperson, contact_people=[a_contact_person(phone="13912345678")])

    services.contact_person_delete(contact=customer.contact_people.get(), actor=salesperson)

    make_customer(teammate, name="Someone else", phone="13912345678")
