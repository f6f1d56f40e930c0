import pytest
from django.urls import reverse

from customers import services
from customers.models import ClassChange, CustomerNote, PipelineClass
from customers.tests.factories import make_customer
from salescrm.models import Notification
from salescrm.testing.http import assert_sent_to_login, html, messages_of, queries_for, shown
from salescrm.tests.factories import UserFactory

OUTSIDERS = ["teammate", "other_salesperson", "other_manager", "front_desk", "admin_user"]


@pytest.fixture
def customer(salesperson):
    return make_customer(salesperson, name="Thread Trading")


def detail(customer) -> str:
    return reverse("customers:detail", kwargs={"pk": customer.pk})


def class_url(customer) -> str:
    return reverse("customers:change_class", kwargs={"pk": customer.pk})


def note_url(customer) -> str:
    return reverse("customers:note_add", kwargs={"pk": customer.pk})


def close_url(customer) -> str:
    return reverse("customers:escalation_close", kwargs={"pk": customer.pk})


# --- class change ---------------------------------------------------------------------------------


def test_the_owner_changes_the_class_and_it_shows_in_the_history(client_for, salesperson, customer):
    client = client_for(salesperson)

    response = client.post(
        class_url(customer), {"to_class": PipelineClass.POTENTIAL, "reason": "Budget confirmed"}
    )

    assert response.status_code == 302
    assert response.url == detail(customer)
    assert "Class changed." in messages_of(response)
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.POTENTIAL
    change = ClassChange.objects.get(customer=customer)
    assert (change.from_class, change.to_class, change.changed_by) == (
        PipelineClass.UNCLASSIFIED,
        PipelineClass.POTENTIAL,
        salesperson,
    )
    history = html(client.get(detail(customer))).split('data-testid="timeline"', 1)[1]
    history = history.split("</ul>", 1)[0]
    assert "Unclassified → Potential" in history
    assert "Budget confirmed" in history
    assert shown(salesperson) in history


def test_the_owners_manager_changes_the_class(client_for, manager, customer):
    client_for(manager).post(class_url(customer), {"to_class": "tracking", "reason": "Called"})

    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.TRACKING


def test_a_class_change_needs_a_reason(client_for, salesperson, customer):
    response = client_for(salesperson).post(
        class_url(customer), {"to_class": PipelineClass.TRACKING, "reason": "  "}
    )

    assert response.status_code == 302
    assert "Choose a class and say why." in messages_of(response)
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.UNCLASSIFIED
    assert not ClassChange.objects.exists()


def test_signed_cannot_be_chosen_by_hand(client_for, salesperson, customer):
    response = client_for(salesperson).post(
        class_url(customer), {"to_class": PipelineClass.SIGNED, "reason": "They said yes"}
    )

    assert response.status_code == 302
    assert messages_of(response)
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.UNCLASSIFIED
    assert not ClassChange.objects.exists()


def test_the_class_form_does_not_offer_signed(client_for, salesperson, customer):
    form = client_for(salesperson).get(detail(customer)).context["class_form"]

    assert PipelineClass.SIGNED not in dict(form.fields["to_class"].choices)


def test_changing_to_the_same_class_says_so(client_for, salesperson, customer):
    response = client_for(salesperson).post(
        class_url(customer), {"to_class": PipelineClass.UNCLASSIFIED, "reason": "No change"}
    )

    assert "The customer is already in that class." in messages_of(response)
    assert not ClassChange.objects.exists()


@pytest.mark.parametrize("outsider", [*OUTSIDERS, "director"])
def test_outsiders_and_the_director_cannot_change_the_class(
    request, client_for, customer, outsider
):
    response = client_for(request.getfixturevalue(outsider)).post(
        class_url(customer), {"to_class": "tracking", "reason": "Mine now"}
    )

    assert response.status_code == 404
    customer.refresh_from_db()
    assert customer.pipeline_class == PipelineClass.UNCLASSIFIED


def test_a_class_change_sends_anonymous_visitors_to_login(client, customer):
    assert_sent_to_login(client.post(class_url(customer), {"to_class": "tracking", "reason": "x"}))
    assert not ClassChange.objects.exists()


def test_a_class_change_is_post_only(client_for, salesperson, customer):
    assert client_for(salesperson).get(class_url(customer)).status_code == 405


# --- the thread: escalation, guidance, comments ---------------------------------------------------


def test_the_owner_escalates_and_the_manager_finds_it_in_the_inbox(
    client_for, salesperson, manager, customer
):
    response = client_for(salesperson).post(
        note_url(customer), {"kind": "escalation", "body": "They want 40% off"}
    )

    assert response.status_code == 302
    assert response.url == detail(customer)
    customer.refresh_from_db()
    assert customer.escalated_at is not None
    note = Notification.objects.get(recipient=manager)
    assert note.kind == "escalation"
    inbox = html(client_for(manager).get(reverse("inbox")))
    assert f"{shown(salesperson)} escalated Thread Trading to you." in inbox
    assert "They want 40% off" in inbox


def test_the_manager_gives_guidance_and_the_owner_sees_it_on_the_home_page(
    client_for, salesperson, manager, customer
):
    response = client_for(manager).post(
        note_url(customer), {"kind": "guidance", "body": "Offer the spring package"}
    )

    assert response.status_code == 302
    assert Notification.objects.filter(recipient=salesperson, kind="guidance").exists()
    home = html(client_for(salesperson).get(reverse("home")))
    assert f"{shown(manager)} gave guidance on Thread Trading." in home
    assert "Offer the spring package" in home
    assert "Offer the spring package" in html(client_for(salesperson).get(detail(customer)))


def test_only_the_owner_escalates(client_for, manager, customer):
    response = client_for(manager).post(note_url(customer), {"kind": "escalation", "body": "Help"})

    assert "Only the owner escalates a customer." in messages_of(response)
    customer.refresh_from_db()
    assert customer.escalated_at is None
    assert not CustomerNote.objects.exists()


def test_only_the_owners_manager_gives_guidance(client_for, salesperson, customer):
    response = client_for(salesperson).post(note_url(customer), {"kind": "guidance", "body": "Hm"})

    assert "Only the owner's manager gives guidance." in messages_of(response)
    assert not Notification.objects.exists()


def test_the_director_reads_the_thread_but_does_not_write_in_it(client_for, director, customer):
    response = client_for(director).post(
        note_url(customer), {"kind": "comment", "body": "Good lead"}
    )

    assert response.status_code == 404
    assert not CustomerNote.objects.exists()
    assert not Notification.objects.exists()


def test_an_empty_note_is_refused(client_for, salesperson, customer):
    response = client_for(salesperson).post(note_url(customer), {"kind": "comment", "body": " "})

    assert "Write something first." in messages_of(response)
    assert not CustomerNote.objects.exists()


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_outsiders_cannot_write_in_the_thread(request, client_for, customer, outsider):
    response = client_for(request.getfixturevalue(outsider)).post(
        note_url(customer), {"kind": "comment", "body": "Peek"}
    )

    assert response.status_code == 404
    assert not CustomerNote.objects.exists()


def test_the_thread_sends_anonymous_visitors_to_login(client, customer):
    assert_sent_to_login(client.post(note_url(customer), {"kind": "comment", "body": "x"}))
    assert not CustomerNote.objects.exists()


def test_the_thread_is_post_only(client_for, salesperson, customer):
    assert client_for(salesperson).get(note_url(customer)).status_code == 405


# --- closing an escalation ------------------------------------------------------------------------


@pytest.fixture
def escalated(salesperson, customer):
    services.note_add(customer=customer, actor=salesperson, kind="escalation", body="Help")
    customer.refresh_from_db()
    return customer


def test_the_manager_closes_an_escalation(client_for, manager, escalated):
    response = client_for(manager).post(close_url(escalated))

    assert response.status_code == 302
    assert "Escalation closed." in messages_of(response)
    escalated.refresh_from_db()
    assert escalated.escalated_at is None


def test_closing_an_escalation_that_is_not_open_says_so(client_for, manager, customer):
    response = client_for(manager).post(close_url(customer))

    assert "This customer is not escalated." in messages_of(response)


@pytest.mark.parametrize("outsider", [*OUTSIDERS, "salesperson", "director"])
def test_only_the_owners_manager_closes_an_escalation(request, client_for, escalated, outsider):
    response = client_for(request.getfixturevalue(outsider)).post(close_url(escalated))

    assert response.status_code == 404
    escalated.refresh_from_db()
    assert escalated.escalated_at is not None


def test_closing_sends_anonymous_visitors_to_login(client, escalated):
    assert_sent_to_login(client.post(close_url(escalated)))


def test_closing_is_post_only(client_for, manager, escalated):
    assert client_for(manager).get(close_url(escalated)).status_code == 405


# --- the inbox's query count ----------------------------------------------------------------------


def _notes(manager, team, numbers):
    """Escalations to `manager` from different salespeople, one customer each."""
    for number in numbers:
        person = UserFactory(team=team)
        customer = make_customer(person, name=f"Inbox Company {number}")
        services.note_add(customer=customer, actor=person, kind="escalation", body=f"Help {number}")


def test_the_inbox_runs_the_same_queries_for_5_and_60_messages(client_for, manager, team):
    client = client_for(manager)
    url = reverse("inbox")
    _notes(manager, team, range(5))
    client.get(url)
    few = queries_for(client, url)

    _notes(manager, team, range(5, 60))
    many = queries_for(client, url)

    assert Notification.objects.filter(recipient=manager).count() == 60
    assert few == many


def test_the_home_inbox_runs_the_same_queries_for_5_and_60_messages(client_for, manager, team):
    client = client_for(manager)
    url = reverse("home")
    _notes(manager, team, range(5))
    client.get(url)
    few = queries_for(client, url)

    _notes(manager, team, range(5, 60))
    many = queries_for(client, url)

    assert few == many
