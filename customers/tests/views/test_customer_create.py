from datetime import timedelta
from uuid import uuid4

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import Assignment, Customer, SourceChannel
from customers.tests.factories import make_customer
from salescrm import idempotency
from salescrm.testing.http import assert_sent_to_login, html, messages_of, shown, text_of

CREATE = reverse("customers:create")


def capture(**changes) -> dict:
    data = {
        "name": "上海远航贸易有限公司",
        "source": SourceChannel.TRADE_SHOW,
        "source_detail": "Shanghai retail expo",
        "collected_on": timezone.localdate().isoformat(),
        "phone": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("persona", ["salesperson", "manager"])
def test_salespeople_and_managers_open_the_quick_capture_form(request, client_for, persona):
    response = client_for(request.getfixturevalue(persona)).get(CREATE)

    assert response.status_code == 200
    assert 'name="name"' in html(response)


def test_only_a_manager_is_offered_the_pool(client_for, manager, salesperson):
    assert 'name="to_pool"' in html(client_for(manager).get(CREATE))
    assert 'name="to_pool"' not in html(client_for(salesperson).get(CREATE))


@pytest.mark.parametrize("persona", ["director", "front_desk", "admin_user"])
def test_other_roles_get_404_and_create_nothing(request, client_for, persona):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, capture()).status_code == 404
    assert not Customer.objects.exists()


def test_the_form_sends_anonymous_visitors_to_login(client, db):
    assert_sent_to_login(client.get(CREATE))
    assert_sent_to_login(client.post(CREATE, capture()))
    assert not Customer.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_form_refuses_other_methods(client_for, salesperson, method):
    assert getattr(client_for(salesperson), method)(CREATE).status_code == 405


def test_quick_capture_creates_an_owned_customer_with_its_deadlines(client_for, salesperson):
    response = client_for(salesperson).post(CREATE, capture(phone="138 0013 8000"))

    customer = Customer.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("customers:detail", kwargs={"pk": customer.pk})
    assert customer.owner == salesperson
    assert customer.entered_by == salesperson
    assert customer.completion_due_at == services.completion_due(customer.collected_on)
    assert customer.completion_due_at > timezone.now()
    assert customer.first_contact_due_at is not None
    assert customer.first_contact_due_at == services.first_contact_due(customer.assigned_at)
    assert Assignment.objects.filter(customer=customer, assignee=salesperson).exists()
    assert any("上海远航贸易有限公司 is on file" in message for message in messages_of(response))


def test_a_manager_captures_a_customer_for_themselves(client_for, manager):
    client_for(manager).post(CREATE, capture())

    assert Customer.objects.get().owner == manager


def test_a_manager_puts_a_customer_in_the_pool(client_for, manager):
    response = client_for(manager).post(CREATE, capture(to_pool="on"))

    customer = Customer.objects.get()
    assert response.status_code == 302
    assert customer.owner is None
    assert customer.first_contact_due_at is None
    assert customer.completion_due_at is not None
    assert customer.entered_by == manager


def test_a_salesperson_cannot_put_a_customer_in_the_pool(client_for, salesperson):
    client_for(salesperson).post(CREATE, capture(to_pool="on"))

    assert Customer.objects.get().owner == salesperson


def test_a_duplicate_name_in_another_legal_form_names_the_owner_and_offers_a_claim(
    client_for, salesperson, other_salesperson
):
    existing = make_customer(other_salesperson, name="上海远航贸易股份有限公司")

    response = client_for(salesperson).post(CREATE, capture(name="上海远航贸易有限公司"))

    assert response.status_code == 200
    page = html(response)
    assert 'data-testid="duplicate"' in page
    assert shown(other_salesperson) in page
    assert response.context["claim_url"].startswith("/customers/claim/")
    assert response.context["claim_url"] in page
    assert response.context["duplicate"].existing == existing
    assert list(Customer.objects.all()) == [existing]


def test_a_duplicate_phone_in_another_format_is_refused_with_a_claim_link(
    client_for, salesperson, teammate
):
    existing = make_customer(teammate, name="Phone First", phone="13800138000")

    response = client_for(salesperson).post(
        CREATE, capture(name="Completely Different Name", phone="+86 138-0013-8000")
    )

    assert response.status_code == 200
    assert shown(teammate) in html(response)
    assert "(same phone)" in html(response)
    assert response.context["claim_url"] in html(response)
    assert list(Customer.objects.all()) == [existing]


def test_a_manager_sees_the_duplicate_without_a_claim_link(client_for, manager, other_salesperson):
    make_customer(other_salesperson, name="上海远航贸易股份有限公司")

    response = client_for(manager).post(CREATE, capture())

    assert response.status_code == 200
    assert response.context["claim_url"] is None
    assert "already on file" in html(response)
    assert shown(other_salesperson) in html(response)
    assert Customer.objects.count() == 1


def test_a_salesperson_gets_no_claim_link_for_their_own_customer(client_for, salesperson):
    make_customer(salesperson, name="上海远航贸易股份有限公司")

    response = client_for(salesperson).post(CREATE, capture())

    assert response.context["claim_url"] is None
    assert "already on file" in html(response)
    assert Customer.objects.count() == 1


def test_a_duplicate_of_a_pool_customer_says_it_is_in_the_pool(client_for, salesperson, manager):
    make_customer(actor=manager, to_pool=True, name="上海远航贸易股份有限公司")

    response = client_for(salesperson).post(CREATE, capture())

    assert "unowned pool" in html(response)
    assert Customer.objects.count() == 1


def test_a_future_date_collected_is_refused_and_creates_nothing(client_for, salesperson):
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client_for(salesperson).post(CREATE, capture(collected_on=tomorrow.isoformat()))

    assert response.status_code == 200
    assert "The date collected cannot be in the future." in html(response)
    assert not Customer.objects.exists()


def test_a_missing_name_is_refused(client_for, salesperson):
    response = client_for(salesperson).post(CREATE, capture(name=""))

    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not Customer.objects.exists()


def test_a_company_event_lead_goes_to_the_pool_and_the_salesperson_sees_the_pool(
    client_for, salesperson
):
    response = client_for(salesperson).post(
        reverse("customers:create"),
        {"name": "Event Lead Co", "source": "marketing_event", "collected_on": "2026-03-02"},
    )

    assert response.status_code == 302
    assert response.url == reverse("customers:pool")
    assert Customer.objects.get(name="Event Lead Co").owner is None


# --- save and add another; today's count; a double click ---------------------------------

WEDNESDAY = "2026-03-11 10:00 +08:00"  # a working day


@pytest.fixture
def working_day(time_machine):
    time_machine.move_to(WEDNESDAY, tick=False)


def test_save_and_add_another_comes_back_to_an_empty_form_keeping_the_channel_and_detail(
    client_for, salesperson, working_day
):
    client = client_for(salesperson)

    response = client.post(CREATE, {**capture(phone="13800138000"), "add_another": "1"})

    assert response.status_code == 302
    assert response.url.startswith(CREATE + "?")
    assert Customer.objects.get().owner == salesperson
    response = client.get(response.url)
    form = response.context["form"]
    assert form["source"].value() == SourceChannel.TRADE_SHOW
    assert form["source_detail"].value() == "Shanghai retail expo"
    assert form["collected_on"].value() == "2026-03-11"
    assert not form["name"].value()
    assert not form["phone"].value()
    assert any("上海远航贸易有限公司 is on file" in m for m in messages_of(response))
    assert text_of(response, "today-count") == "1 / 10 today"


def test_the_form_counts_todays_files_against_the_daily_target(
    client_for, salesperson, teammate, working_day
):
    for number in range(4):
        make_customer(salesperson, name=f"Lead {number} Trading")
    make_customer(teammate, name="Not Mine Trading")

    response = client_for(salesperson).get(CREATE)

    assert text_of(response, "today-count") == "4 / 10 today"


def test_on_a_day_off_the_form_counts_without_a_target(client_for, salesperson, time_machine):
    time_machine.move_to("2026-03-14 10:00 +08:00", tick=False)  # a Saturday

    response = client_for(salesperson).get(CREATE)

    assert text_of(response, "today-count") == "0 today"


def test_the_plain_save_still_opens_the_new_file(client_for, salesperson):
    response = client_for(salesperson).post(CREATE, capture())

    assert response.url == reverse("customers:detail", kwargs={"pk": Customer.objects.get().pk})


def test_a_double_click_on_save_and_add_another_files_the_lead_once(client_for, salesperson):
    client = client_for(salesperson)
    # Both requests carry the one form's token: the same form sent twice.
    data = {**capture(phone="13800138000"), "add_another": "1", idempotency.FIELD: uuid4()}

    first = client.post(CREATE, data)
    second = client.post(CREATE, data)

    assert Customer.objects.count() == 1
    assert (first.status_code, second.status_code) == (302, 302)
    assert second.url == first.url


def test_a_double_click_on_the_plain_save_files_the_lead_once(client_for, salesperson):
    client = client_for(salesperson)

    form = {**capture(), idempotency.FIELD: uuid4()}

    first = client.post(CREATE, form)
    second = client.post(CREATE, form)

    assert Customer.objects.count() == 1
    assert second.url == first.url


def test_the_same_lead_a_minute_later_is_refused_as_a_duplicate(
    client_for, salesperson, time_machine
):
    time_machine.move_to(WEDNESDAY, tick=False)
    client = client_for(salesperson)
    client.post(CREATE, capture())
    time_machine.move_to("2026-03-11 10:01:30 +08:00", tick=False)

    response = client.post(CREATE, capture())

    assert response.status_code == 200
    assert 'data-testid="duplicate"' in html(response)
    assert Customer.objects.count() == 1


def test_the_form_is_sent_once_and_opens_the_phone_keyboard(client_for, salesperson):
    page = html(client_for(salesperson).get(CREATE))

    assert "data-submit-once" in page
    assert "js/submit-once.js" in page
    assert 'type="tel"' in page


# --- a duplicate refusal is never a dead end -----------------------------------------------


def test_a_duplicate_of_ones_own_customer_links_to_the_file(client_for, salesperson):
    existing = make_customer(salesperson, name="上海远航贸易股份有限公司")

    response = client_for(salesperson).post(CREATE, capture())

    assert response.status_code == 200
    assert "it is yours" in text_of(response, "duplicate")
    assert response.context["file_url"] == reverse("customers:detail", kwargs={"pk": existing.pk})
    assert 'data-testid="duplicate-file"' in html(response)
    assert response.context["file_url"] in html(response)
    assert 'data-testid="duplicate-claim"' not in html(response)
    assert Customer.objects.count() == 1


def test_a_duplicate_of_someone_elses_customer_carries_the_claim_button_and_no_file_link(
    client_for, salesperson, other_salesperson
):
    existing = make_customer(other_salesperson, name="上海远航贸易股份有限公司")

    response = client_for(salesperson).post(CREATE, capture())

    page = html(response)
    assert 'data-testid="duplicate-claim"' in page
    assert response.context["claim_url"] in page
    assert response.context["file_url"] is None
    assert reverse("customers:detail", kwargs={"pk": existing.pk}) not in page
    # The claim button leads to the claim form for that customer.
    claim = client_for(salesperson).get(response.context["claim_url"])
    assert claim.status_code == 200
    assert claim.context["customer"] == existing


def test_a_duplicate_of_a_pool_customer_carries_the_claim_button(client_for, salesperson, manager):
    make_customer(actor=manager, to_pool=True, name="上海远航贸易股份有限公司")

    response = client_for(salesperson).post(CREATE, capture())

    assert 'data-testid="duplicate-claim"' in html(response)


def test_a_manager_is_sent_to_the_pool_or_the_team_members_file(
    client_for, manager, salesperson, other_salesperson
):
    in_team = make_customer(salesperson, name="上海远航贸易股份有限公司")
    make_customer(actor=manager, to_pool=True, name="北京星辰广告有限公司")
    client = client_for(manager)

    team = client.post(CREATE, capture())
    pool = client.post(CREATE, capture(name="北京星辰广告股份有限公司"))

    assert team.context["file_url"] == reverse("customers:detail", kwargs={"pk": in_team.pk})
    assert team.context["claim_url"] is None
    assert pool.context["pool_url"] == reverse("customers:pool")
    assert 'data-testid="duplicate-pool"' in html(pool)
