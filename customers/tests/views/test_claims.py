import pytest
from django.urls import reverse

from customers import services
from customers.models import OwnershipClaim
from customers.tests.factories import make_customer
from customers.views import claim_token
from salescrm.models import Notification
from salescrm.testing.http import assert_sent_to_login, html, messages_of, shown

QUEUE = reverse("customers:claims")
MINE = reverse("customers:my_claims")


@pytest.fixture
def customer(teammate):
    """Recorded first by the teammate; the salesperson met them too."""
    return make_customer(teammate, name="Claimed Trading")


@pytest.fixture
def foreign_customer(other_salesperson):
    return make_customer(other_salesperson, name="Foreign Claimed Trading")


def claim_url(customer, user) -> str:
    return reverse("customers:claim", kwargs={"token": claim_token(customer, user)})


def decide_url(claim) -> str:
    return reverse("customers:claim_decide", kwargs={"claim_pk": claim.pk})


@pytest.fixture
def claim(customer, salesperson):
    return services.claim_file(customer=customer, claimant=salesperson, reason="Met them in May")


# --- the claim link -------------------------------------------------------------------------------


def test_the_refusal_link_leads_to_the_claim_form(client_for, salesperson, customer, teammate):
    client = client_for(salesperson)
    refusal = client.post(
        reverse("customers:create"),
        {"name": "Claimed Trading Co., Ltd.", "source": "trade_show", "collected_on": "2020-01-01"},
    )

    response = client.get(refusal.context["claim_url"])

    assert response.status_code == 200
    assert response.context["customer"] == customer
    assert shown(teammate) in html(response)


def test_filing_a_claim_creates_a_pending_claim_and_tells_the_manager(
    client_for, salesperson, manager, customer, teammate
):
    response = client_for(salesperson).post(
        claim_url(customer, salesperson), {"reason": "Met them"}
    )

    assert response.status_code == 302
    assert response.url == MINE
    claim = OwnershipClaim.objects.get()
    assert (claim.customer, claim.claimant, claim.state) == (customer, salesperson, "pending")
    assert claim.owner_at_claim == teammate
    assert Notification.objects.filter(recipient=manager, kind="claim_filed").exists()
    customer.refresh_from_db()
    assert customer.owner == teammate
    assert "Claimed Trading" in html(client_for(salesperson).get(MINE))


def test_the_claim_link_works_only_for_the_user_it_was_made_for(
    client_for, salesperson, teammate, other_salesperson, customer, foreign_customer
):
    url = claim_url(foreign_customer, salesperson)

    assert client_for(other_salesperson).get(url).status_code == 404
    assert client_for(teammate).post(url, {"reason": "Mine"}).status_code == 404
    assert not OwnershipClaim.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "director", "front_desk", "admin_user"])
def test_other_roles_cannot_use_a_claim_link(request, client_for, customer, persona):
    user = request.getfixturevalue(persona)

    response = client_for(user).get(claim_url(customer, user))

    assert response.status_code == 404


def test_a_tampered_claim_link_is_404(client_for, salesperson, customer, foreign_customer):
    token = claim_token(customer, salesperson)
    signed_value, signature = token.rsplit(":", 1)
    forged = claim_token(foreign_customer, salesperson).rsplit(":", 1)[0] + ":" + signature
    flipped = token[:-1] + ("A" if token[-1] != "A" else "B")

    client = client_for(salesperson)
    for bad in (forged, flipped, "not-a-token", signed_value):
        url = reverse("customers:claim", kwargs={"token": bad})
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x"}).status_code == 404
    assert not OwnershipClaim.objects.exists()


def test_the_claim_form_needs_a_reason(client_for, salesperson, customer):
    response = client_for(salesperson).post(claim_url(customer, salesperson), {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not OwnershipClaim.objects.exists()


def test_a_second_pending_claim_by_the_same_person_is_refused(
    client_for, salesperson, customer, claim
):
    response = client_for(salesperson).post(claim_url(customer, salesperson), {"reason": "Again"})

    assert response.status_code == 200
    assert "You already have a claim on this customer waiting." in html(response)
    assert OwnershipClaim.objects.count() == 1


def test_claiming_your_own_customer_is_refused(client_for, teammate, customer):
    response = client_for(teammate).post(claim_url(customer, teammate), {"reason": "Mine"})

    assert "You already own this customer." in html(response)
    assert not OwnershipClaim.objects.exists()


def test_the_claim_link_sends_anonymous_visitors_to_login(client, salesperson, customer):
    assert_sent_to_login(client.get(claim_url(customer, salesperson)))


def test_the_claim_link_refuses_other_methods(client_for, salesperson, customer):
    assert client_for(salesperson).put(claim_url(customer, salesperson)).status_code == 405


# --- my claims ------------------------------------------------------------------------------------


def test_a_salesperson_sees_only_their_own_claims(
    client_for, salesperson, teammate, other_salesperson, claim, foreign_customer
):
    services.claim_file(customer=foreign_customer, claimant=teammate, reason="Also met them")

    response = client_for(salesperson).get(MINE)

    assert list(response.context["claims"]) == [claim]
    assert "Foreign Claimed Trading" not in html(response)


@pytest.mark.parametrize("persona", ["manager", "director", "front_desk", "admin_user"])
def test_my_claims_is_404_for_other_roles(request, client_for, persona):
    assert client_for(request.getfixturevalue(persona)).get(MINE).status_code == 404


def test_my_claims_sends_anonymous_visitors_to_login(client):
    assert_sent_to_login(client.get(MINE))


def test_my_claims_refuses_post(client_for, salesperson):
    assert client_for(salesperson).post(MINE).status_code == 405


# --- the manager's queue and decision -------------------------------------------------------------


def test_the_manager_of_the_owners_team_sees_the_claim_in_the_queue(
    client_for, manager, claim, salesperson
):
    response = client_for(manager).get(QUEUE)

    assert response.status_code == 200
    assert list(response.context["claims"]) == [claim]
    page = html(response)
    assert "Claimed Trading" in page
    assert "Met them in May" in page
    assert decide_url(claim) in page


def test_another_teams_manager_does_not_see_the_claim(client_for, other_manager, claim):
    response = client_for(other_manager).get(QUEUE)

    assert list(response.context["claims"]) == []
    assert "Claimed Trading" not in html(response)


@pytest.mark.parametrize("persona", ["salesperson", "director", "front_desk", "admin_user"])
def test_the_queue_is_404_for_other_roles(request, client_for, persona, claim):
    assert client_for(request.getfixturevalue(persona)).get(QUEUE).status_code == 404


def test_the_queue_sends_anonymous_visitors_to_login(client):
    assert_sent_to_login(client.get(QUEUE))


def test_the_queue_refuses_post(client_for, manager):
    assert client_for(manager).post(QUEUE).status_code == 405


def test_the_manager_keeps_the_owner(client_for, manager, claim, customer, teammate, salesperson):
    response = client_for(manager).post(decide_url(claim), {"decision": "keep", "comment": "First"})

    assert response.status_code == 302
    assert response.url == QUEUE
    assert "Claim decided." in messages_of(response)
    claim.refresh_from_db()
    assert (claim.state, claim.decided_by, claim.decision_comment) == ("kept", manager, "First")
    customer.refresh_from_db()
    assert customer.owner == teammate
    assert Notification.objects.filter(recipient=salesperson, kind="claim_kept").exists()


def test_the_manager_transfers_to_the_claimant(client_for, manager, claim, customer, salesperson):
    client_for(manager).post(decide_url(claim), {"decision": "transfer", "comment": ""})

    claim.refresh_from_db()
    assert claim.state == "transferred"
    customer.refresh_from_db()
    assert customer.owner == salesperson
    assert (
        client_for(salesperson)
        .get(reverse("customers:detail", kwargs={"pk": customer.pk}))
        .status_code
        == 200
    )


def test_a_decision_needs_keep_or_transfer(client_for, manager, claim):
    response = client_for(manager).post(decide_url(claim), {"decision": "maybe"})

    assert "Choose keep or transfer." in messages_of(response)
    claim.refresh_from_db()
    assert claim.state == "pending"


def test_deciding_twice_says_so_and_changes_nothing(
    client_for, manager, claim, customer, salesperson
):
    client = client_for(manager)
    client.post(decide_url(claim), {"decision": "transfer"})
    claim.refresh_from_db()
    decided_at = claim.decided_at

    response = client.post(decide_url(claim), {"decision": "keep", "comment": "Changed my mind"})

    assert response.status_code == 302
    assert "This claim was already decided." in messages_of(response)
    claim.refresh_from_db()
    assert (claim.state, claim.decided_at, claim.decision_comment) == (
        "transferred",
        decided_at,
        "",
    )
    customer.refresh_from_db()
    assert customer.owner == salesperson


def test_another_teams_manager_gets_404_deciding(
    client_for, other_manager, claim, customer, teammate
):
    response = client_for(other_manager).post(decide_url(claim), {"decision": "transfer"})

    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.state == "pending"
    customer.refresh_from_db()
    assert customer.owner == teammate


def test_another_teams_manager_gets_404_on_a_decided_claim_too(
    client_for, manager, other_manager, claim
):
    client_for(manager).post(decide_url(claim), {"decision": "keep"})

    response = client_for(other_manager).post(decide_url(claim), {"decision": "transfer"})

    assert response.status_code == 404


@pytest.mark.parametrize(
    "persona", ["salesperson", "teammate", "director", "front_desk", "admin_user"]
)
def test_other_roles_get_404_deciding(request, client_for, claim, persona):
    response = client_for(request.getfixturevalue(persona)).post(
        decide_url(claim), {"decision": "transfer"}
    )

    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.state == "pending"


def test_deciding_sends_anonymous_visitors_to_login(client, claim):
    assert_sent_to_login(client.post(decide_url(claim), {"decision": "transfer"}))
    claim.refresh_from_db()
    assert claim.state == "pending"


def test_deciding_is_post_only(client_for, manager, claim):
    assert client_for(manager).get(decide_url(claim)).status_code == 405


def test_a_claim_across_teams_is_decided_by_the_owners_manager(
    client_for, manager, other_manager, salesperson, foreign_customer
):
    cross = services.claim_file(
        customer=foreign_customer, claimant=salesperson, reason="Old friend"
    )

    assert list(client_for(other_manager).get(QUEUE).context["claims"]) == [cross]
    assert list(client_for(manager).get(QUEUE).context["claims"]) == []
    assert client_for(manager).post(decide_url(cross), {"decision": "transfer"}).status_code == 404

    client_for(other_manager).post(decide_url(cross), {"decision": "transfer"})

    foreign_customer.refresh_from_db()
    assert foreign_customer.owner == salesperson
