from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers import services
from customers.models import Assignment, Customer, SourceChannel
from customers.services import ownership
from customers.tests.factories import a_pool_batch, make_customer
from salescrm.errors import DomainError
from salescrm.models import Notification
from salescrm.testing.http import (
    assert_sent_to_login,
    html,
    messages_of,
    queries_for,
    shown,
    text_of,
)

POOL = reverse("customers:pool")
ASSIGN = reverse("customers:pool_assign")
TEAM = reverse("customers:pool_team")


def detail(customer) -> str:
    return reverse("customers:detail", kwargs={"pk": customer.pk})


def reassign_url(customer) -> str:
    return reverse("customers:reassign", kwargs={"pk": customer.pk})


def owner_of(customer):
    customer.refresh_from_db()
    return customer.owner


def import_pool_list(manager, names, batch=None):
    """Pool customers from one imported lead list (in Shanghai, from a trade show)."""
    batch = batch or a_pool_batch(manager)
    for name in names:
        make_customer(actor=manager, to_pool=True, name=name, city="上海", source_import=batch)
    return batch


@pytest.fixture
def pooled(manager):
    return [make_customer(actor=manager, to_pool=True, name=f"Pool Company {n}") for n in range(4)]


# --- the pool page --------------------------------------------------------------------------------


def test_a_salesperson_sees_pool_customers_by_name_only(client_for, salesperson, pooled):
    response = client_for(salesperson).get(POOL)

    assert response.status_code == 200
    assert response.context["can_assign"] is False
    page = html(response)
    assert all(customer.name in page for customer in pooled)
    assert not any(detail(customer) in page for customer in pooled)
    assert ASSIGN not in page
    assert 'name="customers"' not in page


def test_the_manager_sees_the_pool_with_the_assign_form_and_team_loads(
    client_for, manager, salesperson, teammate, other_salesperson, pooled
):
    response = client_for(manager).get(POOL)

    assert response.status_code == 200
    assert response.context["can_assign"] is True
    page = html(response)
    assert ASSIGN in page
    assert all(detail(customer) in page for customer in pooled)
    assert [person for person, _load in response.context["loads"]] == sorted(
        [salesperson, teammate], key=lambda person: person.username
    )
    assert response.context["proposed"] in (salesperson, teammate)
    assignable = list(response.context["form"].fields["assignee"].queryset)
    assert other_salesperson not in assignable
    assert shown(other_salesperson) not in page


def test_the_director_sees_the_pool_with_links_but_cannot_assign(client_for, director, pooled):
    response = client_for(director).get(POOL)

    assert response.status_code == 200
    assert response.context["can_assign"] is False
    assert detail(pooled[0]) in html(response)
    assert ASSIGN not in html(response)


def test_the_pool_holds_only_unowned_customers(client_for, manager, salesperson, pooled):
    make_customer(salesperson, name="Owned Company")

    response = client_for(manager).get(POOL)

    assert {c.name for c in response.context["page"].object_list} == {c.name for c in pooled}


@pytest.mark.parametrize("persona", ["front_desk", "admin_user"])
def test_the_pool_is_404_for_front_desk_and_administrator(request, client_for, persona, pooled):
    response = client_for(request.getfixturevalue(persona)).get(POOL)

    assert response.status_code == 404
    assert "Pool Company" not in html(response)


def test_the_pool_sends_anonymous_visitors_to_login(client, pooled):
    assert_sent_to_login(client.get(POOL))


def test_the_pool_refuses_post(client_for, manager):
    assert client_for(manager).post(POOL).status_code == 405


def _pool(manager, numbers):
    for number in numbers:
        make_customer(actor=manager, to_pool=True, name=f"Query Pool Company {number}")


@pytest.mark.parametrize("persona", ["manager", "salesperson"])
def test_the_pool_runs_the_same_queries_for_5_and_60_customers(
    request, client_for, manager, salesperson, teammate, persona
):
    client = client_for(request.getfixturevalue(persona))
    url = f"{POOL}?size=100"
    _pool(manager, range(5))
    client.get(url)
    few = queries_for(client, url)

    _pool(manager, range(5, 60))
    many = queries_for(client, url)

    assert len(client.get(url).context["page"].object_list) == 60
    assert few == many


# --- assigning from the pool ----------------------------------------------------------------------


def preview(client, data):
    return client.post(ASSIGN, data)


def assign(client, data):
    """Preview, then confirm what the preview shows."""
    response = preview(client, data)
    assert response.status_code == 200, messages_of(response)
    return client.post(
        ASSIGN,
        {"selection": response.context["selection"], "assignee": data.get("assignee", "")},
    )


def test_the_manager_assigns_ticked_customers_to_a_chosen_salesperson(
    client_for, manager, salesperson, teammate, pooled
):
    ticked = pooled[:3]

    response = assign(
        client_for(manager), {"customers": [c.pk for c in ticked], "assignee": teammate.pk}
    )

    assert response.status_code == 302
    assert response.url == POOL
    assert f"3 customers assigned: {teammate} 3." in messages_of(response)
    assert [owner_of(c) for c in ticked] == [teammate] * 3
    assert owner_of(pooled[3]) is None
    for customer in ticked:
        customer.refresh_from_db()
        assert customer.first_contact_due_at is not None
        assert customer.history.first().history_user == manager
        assert customer.history.first().history_change_reason == "owner: manager"
    assert Assignment.objects.filter(assignee=teammate, assigned_by=manager).count() == 3
    assert Notification.objects.filter(recipient=teammate, kind="customer_assigned").count() == 3


def test_the_preview_shows_the_split_and_assigns_nothing(
    client_for, manager, salesperson, teammate, pooled
):
    response = preview(client_for(manager), {"customers": [c.pk for c in pooled], "assignee": ""})

    assert response.status_code == 200
    assert response.context["split"] == [(salesperson, 2), (teammate, 2)] or response.context[
        "split"
    ] == [(teammate, 2), (salesperson, 2)]
    assert text_of(response, "preview-count") == "4 customers from the pool go to:"
    assert shown(salesperson) in html(response)
    assert all(owner_of(c) is None for c in pooled)
    assert not Assignment.objects.filter(reason=Assignment.Reason.MANAGER).exists()


def test_the_manager_assigns_balanced_across_the_team_and_the_message_names_the_split(
    client_for, manager, salesperson, teammate, pooled
):
    for number in range(2):
        make_customer(salesperson, name=f"Busy Company {number}")
    extra = [make_customer(actor=manager, to_pool=True, name=f"Pool Extra {n}") for n in range(2)]

    response = assign(client_for(manager), {"customers": [c.pk for c in pooled + extra]})

    owners = Counter(owner_of(c) for c in pooled + extra)
    assert owners == {teammate: 4, salesperson: 2}
    assert f"6 customers assigned: {teammate} 4 · {salesperson} 2." in messages_of(response)


def test_balanced_assignment_favours_the_less_loaded_salesperson(
    client_for, manager, salesperson, teammate, pooled
):
    for number in range(6):
        make_customer(salesperson, name=f"Busy Company {number}")

    assign(client_for(manager), {"customers": [c.pk for c in pooled]})

    assert Counter(owner_of(c) for c in pooled) == {teammate: 4}


def test_a_customer_assigned_by_someone_else_after_the_preview_is_left_alone_with_a_warning(
    client_for, manager, other_manager, salesperson, other_salesperson, pooled
):
    first, second = pooled[:2]
    client = client_for(manager)
    shown_preview = preview(
        client, {"customers": [first.pk, second.pk], "assignee": salesperson.pk}
    )
    services.customers_assign(customers=[first], actor=other_manager, assignee=other_salesperson)

    response = client.post(
        ASSIGN, {"selection": shown_preview.context["selection"], "assignee": salesperson.pk}
    )

    assert response.status_code == 302
    shown_messages = messages_of(response)
    assert f"1 customer assigned: {salesperson} 1." in shown_messages
    assert "1 were no longer in the pool and were left alone." in shown_messages
    assert owner_of(first) == other_salesperson
    assert owner_of(second) == salesperson


def test_the_warning_is_a_warning_message(client_for, manager, salesperson, teammate, pooled):
    client = client_for(manager)
    shown_preview = preview(client, {"customers": [pooled[0].pk], "assignee": salesperson.pk})
    services.customers_assign(customers=[pooled[0]], actor=manager, assignee=teammate)

    response = client.post(
        ASSIGN,
        {"selection": shown_preview.context["selection"], "assignee": salesperson.pk},
        follow=True,
    )

    levels = {str(m): m.tags for m in response.context["messages"]}
    assert levels["1 were no longer in the pool and were left alone."] == "warning"
    assert owner_of(pooled[0]) == teammate


def test_a_customer_already_assigned_before_the_preview_is_left_out_of_it(
    client_for, manager, salesperson, teammate, pooled
):
    services.customers_assign(customers=[pooled[0]], actor=manager, assignee=teammate)

    response = preview(
        client_for(manager),
        {"customers": [pooled[0].pk, pooled[1].pk], "assignee": salesperson.pk},
    )

    assert response.context["count"] == 1
    assert response.context["gone"] == 1


def test_an_owned_customer_of_another_team_cannot_be_taken_through_the_pool_form(
    client_for, manager, salesperson, other_salesperson
):
    foreign = make_customer(other_salesperson, name="Foreign Owned")

    response = preview(client_for(manager), {"customers": [foreign.pk], "assignee": salesperson.pk})

    assert "None of the chosen customers is in the pool any more." in messages_of(response)
    assert owner_of(foreign) == other_salesperson


def test_the_manager_cannot_assign_to_another_teams_salesperson(
    client_for, manager, other_salesperson, pooled
):
    response = preview(
        client_for(manager), {"customers": [pooled[0].pk], "assignee": other_salesperson.pk}
    )

    assert "Choose a salesperson of your team, or a balanced split." in messages_of(response)
    assert owner_of(pooled[0]) is None


def test_a_forged_or_foreign_selection_assigns_nothing(
    client_for, manager, other_manager, salesperson, other_salesperson, pooled
):
    shown_preview = preview(
        client_for(other_manager), {"customers": [pooled[0].pk], "assignee": ""}
    )
    client = client_for(manager)

    forged = client.post(ASSIGN, {"selection": "not-signed", "assignee": salesperson.pk})
    foreign = client.post(
        ASSIGN, {"selection": shown_preview.context["selection"], "assignee": salesperson.pk}
    )

    assert "This preview is too old: preview the assignment again." in messages_of(forged)
    assert foreign.status_code == 404
    assert owner_of(pooled[0]) is None


def test_assigning_nothing_says_so(client_for, manager, pooled):
    response = client_for(manager).post(ASSIGN, {"assignee": ""})

    assert "Choose the customers to assign." in messages_of(response)
    assert Customer.objects.filter(owner__isnull=True).count() == 4


@pytest.mark.parametrize("persona", ["salesperson", "director", "front_desk", "admin_user"])
def test_other_roles_cannot_assign(request, client_for, persona, salesperson, pooled):
    response = client_for(request.getfixturevalue(persona)).post(
        ASSIGN, {"customers": [c.pk for c in pooled], "assignee": salesperson.pk}
    )

    assert response.status_code == 404
    assert Customer.objects.filter(owner__isnull=True).count() == 4


def test_assigning_sends_anonymous_visitors_to_login(client, salesperson, pooled):
    assert_sent_to_login(client.post(ASSIGN, {"customers": [pooled[0].pk]}))
    assert owner_of(pooled[0]) is None


def test_assigning_is_post_only(client_for, manager):
    assert client_for(manager).get(ASSIGN).status_code == 405


# --- filters and "all matching" -------------------------------------------------------------------


@pytest.fixture
def leads(manager):
    """A varied pool: two sources, two cities, two days."""
    early = timezone.now() - timedelta(days=10)
    return {
        "show_sh": make_customer(actor=manager, to_pool=True, name="Show Shanghai", city="上海"),
        "show_bj": make_customer(actor=manager, to_pool=True, name="Show Beijing", city="北京"),
        "web_sh": make_customer(
            actor=manager,
            to_pool=True,
            name="Web Shanghai Early",
            city="上海市",
            source=SourceChannel.INTERNET,
            now=early,
        ),
    }


def names(response) -> set[str]:
    return {c.name for c in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"source": "internet"}, {"Web Shanghai Early"}),
        ({"city": "上海"}, {"Show Shanghai", "Web Shanghai Early"}),
        ({"entered_to": "__early__"}, {"Web Shanghai Early"}),
        ({"entered_from": "__today__"}, {"Show Shanghai", "Show Beijing"}),
        ({"source": "trade_show", "city": "北京"}, {"Show Beijing"}),
        ({"q": "Beijing"}, {"Show Beijing"}),
    ],
)
def test_the_pool_filters(client_for, manager, leads, params, expected):
    today = timezone.localdate()
    early = timezone.localdate(leads["web_sh"].entered_at)
    values = {
        key: {"__today__": today.isoformat(), "__early__": early.isoformat()}.get(value, value)
        for key, value in params.items()
    }

    response = client_for(manager).get(POOL, values)

    assert names(response) == expected
    assert text_of(response, "result-count") == (
        f"{len(expected)} customer{'s' if len(expected) > 1 else ''} "
        f"match{'' if len(expected) > 1 else 'es'}"
    )


def test_the_pool_filters_by_import_batch(client_for, manager, leads):
    batch = import_pool_list(manager, ["Batch Lead One", "Batch Lead Two"])

    response = client_for(manager).get(POOL, {"batch": batch.pk})

    assert names(response) == {"Batch Lead One", "Batch Lead Two"}
    choices = list(response.context["filter"].form.fields["batch"].queryset)
    assert choices == [batch]


def test_an_invalid_filter_says_so_and_assigns_nothing(client_for, manager, salesperson, leads):
    response = client_for(manager).post(
        ASSIGN, {"scope": "all", "entered_from": "someday", "assignee": salesperson.pk}
    )

    assert "The filters are not valid: check them and try again." in messages_of(response)
    assert Customer.objects.filter(owner__isnull=True).count() == 3


def test_all_matching_assigns_the_filtered_set_on_the_server(
    client_for, manager, salesperson, teammate, leads
):
    client = client_for(manager)
    page = client.get(POOL, {"city": "上海", "size": 25})
    assert "All 2 matching the filters" in html(page)
    hidden = dict(page.context["filter"].params)

    response = assign(client, {**hidden, "scope": "all", "assignee": teammate.pk})

    assert response.url == f"{POOL}?city=%E4%B8%8A%E6%B5%B7"
    assert f"2 customers assigned: {teammate} 2." in messages_of(response)
    assert owner_of(leads["show_sh"]) == teammate
    assert owner_of(leads["web_sh"]) == teammate
    assert owner_of(leads["show_bj"]) is None


def test_all_matching_over_the_limit_is_refused_and_changes_nothing(
    monkeypatch, client_for, manager, salesperson, leads
):
    monkeypatch.setattr(services, "ASSIGN_LIMIT", 2)
    monkeypatch.setattr(ownership, "ASSIGN_LIMIT", 2)

    response = preview(client_for(manager), {"scope": "all", "assignee": salesperson.pk})

    assert "More than 2 customers match: narrow the filters and assign them in parts." in (
        messages_of(response)
    )
    assert Customer.objects.filter(owner__isnull=True).count() == 3
    with pytest.raises(DomainError):
        services.customers_assign(customers=leads.values(), actor=manager, assignee=salesperson)


def test_the_filtered_pool_runs_the_same_queries_for_5_and_60_customers(
    client_for, manager, salesperson, teammate
):
    client = client_for(manager)
    batch = import_pool_list(manager, [f"Batch Query {n}" for n in range(3)])
    url = (
        f"{POOL}?size=100&source=trade_show&city=上海&batch={batch.pk}"
        f"&entered_from=2020-01-01&entered_to=2099-12-31&q=Query"
    )
    import_pool_list(manager, [f"Batch Query {n}" for n in range(3, 5)], batch=batch)
    client.get(url)
    few = queries_for(client, url)

    import_pool_list(manager, [f"Batch Query {n}" for n in range(5, 60)], batch=batch)
    many = queries_for(client, url)

    assert len(client.get(url).context["page"].object_list) == 60
    assert few == many


# --- team pools -----------------------------------------------------------------------------------


@pytest.fixture
def team_pools(manager, other_manager):
    return {
        "company": make_customer(actor=manager, to_pool=True, name="Company Lead"),
        "mine": make_customer(actor=manager, to_pool=True, team_pool=True, name="Team Lead"),
        "theirs": make_customer(
            actor=other_manager, to_pool=True, team_pool=True, name="Other Team Lead"
        ),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("manager", {"Company Lead", "Team Lead"}),
        ("salesperson", {"Company Lead", "Team Lead"}),
        ("other_manager", {"Company Lead", "Other Team Lead"}),
        ("director", {"Company Lead", "Team Lead", "Other Team Lead"}),
    ],
)
def test_each_team_sees_its_pool_and_the_companys(
    request, client_for, salesperson, team_pools, persona, expected
):
    response = client_for(request.getfixturevalue(persona)).get(POOL)

    assert names(response) == expected


def test_the_home_counter_counts_the_pools_the_manager_sees(client_for, manager, team_pools):
    response = client_for(manager).get(reverse("home"))

    assert response.context["pool_size"] == 2


def test_another_teams_pool_customer_is_404_for_the_manager(client_for, manager, team_pools):
    assert client_for(manager).get(detail(team_pools["theirs"])).status_code == 404
    assert client_for(manager).get(detail(team_pools["mine"])).status_code == 200


def test_a_manager_cannot_assign_another_teams_pool_customers(
    client_for, manager, salesperson, team_pools
):
    ticked = [team_pools["company"].pk, team_pools["theirs"].pk]

    response = preview(client_for(manager), {"customers": ticked, "assignee": salesperson.pk})

    assert "1 of the chosen customers is not in your pools. Nothing was assigned." in (
        messages_of(response)
    )
    assert owner_of(team_pools["company"]) is None
    assert owner_of(team_pools["theirs"]) is None
    with pytest.raises(DomainError, match="another team's pool"):
        services.customers_assign(
            customers=[team_pools["theirs"]], actor=manager, assignee=salesperson
        )
    assert owner_of(team_pools["theirs"]) is None


def test_the_manager_keeps_customers_in_the_teams_pool_and_gives_them_back(
    client_for, manager, other_manager, team, team_pools
):
    company = team_pools["company"]
    client = client_for(manager)

    kept = client.post(TEAM, {"customers": [company.pk], "team_only": "1"})

    assert "1 customer moved to your team's pool." in messages_of(kept)
    company.refresh_from_db()
    assert company.pool_team == team
    assert company.history.first().history_user == manager
    assert "Company Lead" not in names(client_for(other_manager).get(POOL))

    given = client.post(TEAM, {"scope": "all", "pool": "team", "team_only": "0"})

    assert "2 customers moved to the company's pool." in messages_of(given)
    assert given.url == f"{POOL}?pool=team"
    company.refresh_from_db()
    assert company.pool_team is None
    assert "Team Lead" in names(client_for(other_manager).get(POOL))


def test_a_manager_cannot_move_another_teams_pool_customers(client_for, manager, team_pools):
    response = client_for(manager).post(
        TEAM, {"customers": [team_pools["theirs"].pk], "team_only": "1"}
    )

    assert any("another team's pool" in m for m in messages_of(response))
    team_pools["theirs"].refresh_from_db()
    assert team_pools["theirs"].pool_team != team_pools["mine"].pool_team


@pytest.mark.parametrize("persona", ["salesperson", "director", "front_desk", "admin_user"])
def test_only_managers_move_pool_customers(request, client_for, persona, team_pools):
    response = client_for(request.getfixturevalue(persona)).post(
        TEAM, {"customers": [team_pools["company"].pk], "team_only": "1"}
    )

    assert response.status_code == 404
    team_pools["company"].refresh_from_db()
    assert team_pools["company"].pool_team is None


def test_moving_pool_customers_is_post_only_and_needs_a_login(client, client_for, manager):
    assert client_for(manager).get(TEAM).status_code == 405
    assert_sent_to_login(client.post(TEAM, {"customers": ["1"], "team_only": "1"}))


def test_an_assigned_customer_leaves_the_teams_pool(client_for, manager, salesperson, team_pools):
    assign(client_for(manager), {"customers": [team_pools["mine"].pk], "assignee": salesperson.pk})

    team_pools["mine"].refresh_from_db()
    assert team_pools["mine"].owner == salesperson
    assert team_pools["mine"].pool_team is None


# --- reassigning an owned customer ----------------------------------------------------------------


@pytest.fixture
def customer(salesperson):
    return make_customer(salesperson, name="Reassign Trading")


def test_the_manager_reassigns_a_customer_within_the_team(
    client_for, manager, salesperson, teammate, customer
):
    response = client_for(manager).post(reassign_url(customer), {"assignee": teammate.pk})

    assert response.status_code == 302
    assert response.url == detail(customer)
    assert owner_of(customer) == teammate
    assert Notification.objects.filter(recipient=teammate, kind="customer_assigned").exists()
    assert Notification.objects.filter(
        recipient=salesperson, kind="customer_reassigned_away"
    ).exists()
    assert client_for(salesperson).get(detail(customer)).status_code == 404


def test_reassigning_to_the_current_owner_says_so(client_for, manager, salesperson, customer):
    response = client_for(manager).post(reassign_url(customer), {"assignee": salesperson.pk})

    assert any("already owns this customer" in m for m in messages_of(response))
    assert owner_of(customer) == salesperson


def test_reassigning_to_another_teams_salesperson_is_refused(
    client_for, manager, salesperson, other_salesperson, customer
):
    response = client_for(manager).post(reassign_url(customer), {"assignee": other_salesperson.pk})

    assert "Choose a salesperson of your team." in messages_of(response)
    assert owner_of(customer) == salesperson


@pytest.mark.parametrize(
    "outsider",
    ["other_manager", "salesperson", "teammate", "director", "front_desk", "admin_user"],
)
def test_others_cannot_reassign(request, client_for, teammate, salesperson, customer, outsider):
    response = client_for(request.getfixturevalue(outsider)).post(
        reassign_url(customer), {"assignee": teammate.pk}
    )

    assert response.status_code == 404
    assert owner_of(customer) == salesperson


def test_reassigning_sends_anonymous_visitors_to_login(client, teammate, customer):
    assert_sent_to_login(client.post(reassign_url(customer), {"assignee": teammate.pk}))


def test_reassigning_is_post_only(client_for, manager, customer):
    assert client_for(manager).get(reassign_url(customer)).status_code == 405


def test_in_chinese_the_preview_and_the_confirmation_name_the_split(
    client_for, manager, salesperson, teammate, pooled
):
    manager.language = "zh-hans"
    manager.save(update_fields=["language"])
    salesperson.first_name, salesperson.last_name = "静", "刘"
    salesperson.save(update_fields=["first_name", "last_name"])
    for number in range(2):
        make_customer(teammate, name=f"Busy Company {number}")
    client = client_for(manager)

    shown_preview = preview(client, {"customers": [c.pk for c in pooled], "assignee": ""})
    response = client.post(ASSIGN, {"selection": shown_preview.context["selection"]})

    assert text_of(shown_preview, "preview-count") == "公共客户池中的 4 个客户将分配给："
    assert "确认分配" in html(shown_preview)
    assert f"已分配 4 个客户：{salesperson} 3 · {teammate} 1。" in messages_of(response)
