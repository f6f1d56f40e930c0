from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import PipelineClass, SourceChannel
from customers.tests.factories import a_contact_person, credit_code, make_customer
from salescrm.roles import Role
from salescrm.testing.http import assert_sent_to_login, html, queries_for, shown
from salescrm.tests.factories import UserFactory

LIST = reverse("customers:list")


def names(response) -> set[str]:
    return {customer.name for customer in response.context["page"].object_list}


@pytest.fixture
def customers(manager, salesperson, teammate, other_salesperson):
    """One customer each for the salesperson, a teammate, another team and the pool."""
    return {
        "own": make_customer(salesperson, name="Own Trading"),
        "teammate": make_customer(teammate, name="Teammate Trading"),
        "other_team": make_customer(other_salesperson, name="Other Team Trading"),
        "pool": make_customer(actor=manager, to_pool=True, name="Pool Trading"),
    }


# --- scope per role -------------------------------------------------------------------------------


def test_a_salesperson_sees_only_their_own_customers(client_for, salesperson, customers):
    response = client_for(salesperson).get(LIST)

    assert response.status_code == 200
    assert names(response) == {"Own Trading"}
    assert "Teammate Trading" not in html(response)
    assert "Pool Trading" not in html(response)


def test_a_manager_sees_the_team_and_the_pool_but_not_other_teams(client_for, manager, customers):
    response = client_for(manager).get(LIST)

    assert response.status_code == 200
    assert names(response) == {"Own Trading", "Teammate Trading", "Pool Trading"}
    assert "Other Team Trading" not in html(response)


def test_the_director_sees_every_customer(client_for, director, customers):
    response = client_for(director).get(LIST)

    assert response.status_code == 200
    assert names(response) == {
        "Own Trading",
        "Teammate Trading",
        "Other Team Trading",
        "Pool Trading",
    }


@pytest.mark.parametrize("persona", ["front_desk", "admin_user"])
def test_front_desk_and_administrator_get_404(request, client_for, persona, customers):
    response = client_for(request.getfixturevalue(persona)).get(LIST)

    assert response.status_code == 404


def test_the_list_sends_anonymous_visitors_to_login(client):
    assert_sent_to_login(client.get(LIST))


def test_the_list_refuses_post(client_for, salesperson):
    assert client_for(salesperson).post(LIST).status_code == 405


def test_the_list_pages_with_the_chosen_size(client_for, salesperson):
    for number in range(30):
        make_customer(salesperson, name=f"Paged Company {number}")

    response = client_for(salesperson).get(LIST, {"size": 25})

    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 30


# --- filters --------------------------------------------------------------------------------------


def test_search_finds_a_customer_by_part_of_its_name(client_for, salesperson):
    make_customer(salesperson, name="上海远航贸易有限公司")
    make_customer(salesperson, name="北京星辰科技有限公司")

    response = client_for(salesperson).get(LIST, {"q": "远航"})

    assert names(response) == {"上海远航贸易有限公司"}


def test_search_finds_a_customer_by_a_contact_persons_name(client_for, salesperson):
    make_customer(
        salesperson, name="Contact Holder", contact_people=[a_contact_person(name="Li Xiaolong")]
    )
    make_customer(salesperson, name="Somebody Else")

    response = client_for(salesperson).get(LIST, {"q": "xiaolong"})

    assert names(response) == {"Contact Holder"}


def test_search_finds_a_phone_typed_in_another_format(client_for, salesperson):
    make_customer(salesperson, name="Phone Holder", phone="13800138000")
    make_customer(salesperson, name="Other Phone", phone="13900139000")

    response = client_for(salesperson).get(LIST, {"q": "+86 138-0013-8000"})

    assert names(response) == {"Phone Holder"}


def test_search_finds_a_contact_persons_phone(client_for, salesperson):
    make_customer(
        salesperson, name="Contact Phone", contact_people=[a_contact_person(phone="13700137000")]
    )
    make_customer(salesperson, name="No Match")

    response = client_for(salesperson).get(LIST, {"q": "137 0013 7000"})

    assert names(response) == {"Contact Phone"}


def test_search_never_reaches_beyond_the_users_scope(client_for, salesperson, other_salesperson):
    make_customer(other_salesperson, name="Hidden Phone", phone="13800138000")

    response = client_for(salesperson).get(LIST, {"q": "13800138000"})

    assert names(response) == set()
    assert "Hidden Phone" not in html(response)


def test_the_credit_code_filter_matches_however_it_is_typed(client_for, salesperson):
    code = credit_code("91310000MA1FL1234")
    make_customer(salesperson, name="With Code", credit_code=code)
    make_customer(salesperson, name="Without Code")

    response = client_for(salesperson).get(LIST, {"credit_code": f" {code[:8].lower()}-{code[8:]}"})

    assert names(response) == {"With Code"}


def test_the_class_filter_shows_only_that_class(client_for, salesperson):
    tracked = make_customer(salesperson, name="Tracked")
    make_customer(salesperson, name="Unclassified")
    services.customer_change_class(
        customer=tracked, actor=salesperson, to_class=PipelineClass.TRACKING, reason="Met them"
    )

    response = client_for(salesperson).get(LIST, {"pipeline_class": PipelineClass.TRACKING})

    assert names(response) == {"Tracked"}


def test_the_source_filter_shows_only_that_source(client_for, salesperson):
    make_customer(salesperson, name="From The Web", source=SourceChannel.INTERNET)
    make_customer(salesperson, name="From A Show", source=SourceChannel.TRADE_SHOW)

    response = client_for(salesperson).get(LIST, {"source": SourceChannel.INTERNET})

    assert names(response) == {"From The Web"}


def test_a_manager_filters_by_owner(client_for, manager, customers, teammate):
    response = client_for(manager).get(LIST, {"owner": teammate.pk})

    assert names(response) == {"Teammate Trading"}


def test_the_director_filters_by_owner(client_for, director, customers, other_salesperson):
    response = client_for(director).get(LIST, {"owner": other_salesperson.pk})

    assert names(response) == {"Other Team Trading"}


def test_a_salespersons_filter_form_has_no_owner_field(client_for, salesperson, customers):
    response = client_for(salesperson).get(LIST, {"q": ""})

    assert "owner" not in response.context["filter"].form.fields
    assert 'name="owner"' not in html(response)


@pytest.mark.parametrize("owner", ["teammate", "other_salesperson", "manager"])
def test_an_owner_parameter_does_not_widen_a_salespersons_scope(
    request, client_for, salesperson, customers, owner
):
    someone = request.getfixturevalue(owner)

    response = client_for(salesperson).get(LIST, {"owner": someone.pk})

    assert names(response) == {"Own Trading"}


def test_a_manager_cannot_filter_by_another_teams_salesperson(
    client_for, manager, customers, other_salesperson
):
    response = client_for(manager).get(LIST, {"owner": other_salesperson.pk})

    assert "Other Team Trading" not in names(response)
    assert "Other Team Trading" not in html(response)


def test_the_owner_filter_offers_only_the_managers_salespeople(
    client_for, manager, salesperson, teammate, other_salesperson, director
):
    crowd = [UserFactory(role=Role.SALESPERSON) for _ in range(30)]  # no team of this manager

    response = client_for(manager).get(LIST)

    offered = list(response.context["filter"].form.fields["owner"].queryset)
    assert sorted(offered, key=lambda u: u.pk) == sorted(
        [salesperson, teammate], key=lambda u: u.pk
    )
    page = html(response)
    assert f'<option value="{salesperson.pk}"' in page
    assert f'<option value="{other_salesperson.pk}"' not in page
    assert f'<option value="{crowd[0].pk}"' not in page
    assert f'<option value="{manager.pk}"' not in page
    assert f'<option value="{director.pk}"' not in page


def test_the_owner_filter_never_lists_customers(client_for, manager, salesperson):
    for number in range(20):
        make_customer(salesperson, name=f"Option Company {number}")

    response = client_for(manager).get(LIST)

    select = html(response).split('name="owner"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == 2  # the empty choice and the one salesperson
    assert "Option Company" not in select


def test_the_overdue_filter_separates_overdue_files(client_for, salesperson):
    make_customer(salesperson, name="Late File", now=timezone.now() - timedelta(days=30))
    make_customer(salesperson, name="Fresh File")

    client = client_for(salesperson)
    overdue = client.get(LIST, {"overdue": "true"})
    on_time = client.get(LIST, {"overdue": "false"})

    assert names(overdue) == {"Late File"}
    assert names(on_time) == {"Fresh File"}
    assert "Overdue" in html(overdue)


def test_the_list_shows_the_owner_and_the_pool(client_for, manager, customers, salesperson):
    page = html(client_for(manager).get(LIST))

    own_row = page.split("Own Trading", 1)[1].split("</tr>", 1)[0]
    pool_row = page.split("Pool Trading", 1)[1].split("</tr>", 1)[0]
    assert shown(salesperson) in own_row
    assert ">Pool</td>" in pool_row


# --- constant query count -------------------------------------------------------------------------


def _fill(numbers, people, manager):
    """Customers numbered `numbers`, spread over `people` and the pool, each with a contact."""
    slots = [*people, None]
    for number in numbers:
        owner = slots[number % len(slots)]
        make_customer(
            owner,
            actor=manager if owner is None else None,
            to_pool=owner is None,
            name=f"Query Company {number}",
            contact_people=[
                a_contact_person(name=f"Person {number}", phone=f"1360000{number:04d}")
            ],
        )


def test_the_list_runs_the_same_queries_for_5_and_60_customers(
    client_for, manager, salesperson, teammate
):
    client = client_for(manager)
    url = f"{LIST}?size=100"
    _fill(range(5), [salesperson, teammate], manager)
    client.get(url)  # warm up: sessions, policy rows and the like
    few = queries_for(client, url)

    _fill(range(5, 60), [salesperson, teammate], manager)
    many = queries_for(client, url)

    assert client.get(url).context["page"].paginator.count == 60
    assert few == many


def test_the_filtered_list_runs_the_same_queries_for_5_and_60_customers(
    client_for, director, salesperson, other_salesperson, manager
):
    client = client_for(director)
    url = f"{LIST}?size=100&q=Query&overdue=false"
    _fill(range(5), [salesperson, other_salesperson], manager)
    client.get(url)
    few = queries_for(client, url)

    _fill(range(5, 60), [salesperson, other_salesperson], manager)
    many = queries_for(client, url)

    assert client.get(url).context["page"].paginator.count == 60
    assert few == many
