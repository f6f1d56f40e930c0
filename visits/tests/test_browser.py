"""A visit as the people involved walk it, each in their own browser, in a real Chromium.

The live server runs on the real clock (Asia/Shanghai), so every time is picked relative to
now, and the slip is planned for today: the front desk sees only today's slips.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import ContactPerson
from customers.tests.factories import make_customer
from visits.models import SlipState, VisitLog, VisitSlip
from visits.tests.factories import make_slip_for

pytestmark = pytest.mark.browser

CUSTOMER = "上海星河广告有限公司"


def local_input(moment) -> str:
    """`moment` as an <input type=datetime-local> value, in local time."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def departure_today(planned):
    """`planned` if it is still today, else a departure that is (now or in a few minutes)."""
    now = timezone.localtime()
    if timezone.localtime(planned).date() == now.date():
        return planned
    soon = now + timedelta(minutes=10)
    return soon if soon.date() == now.date() else now


def test_a_visit_from_the_phone_call_to_the_log(sign_in, people):
    customer = make_customer(people["sales1"], name=CUSTOMER)
    meeting = timezone.localtime() + timedelta(hours=2)

    # sales1 rings the customer and books a meeting in two hours.
    sales = sign_in("sales1")
    sales.goto(f"/customers/{customer.pk}/")
    sales.get_by_role("link", name="Record a contact").click()
    sales.get_by_label("Channel").select_option("phone")
    sales.get_by_label("Meeting booked for").fill(local_input(meeting))
    sales.get_by_label("Summary").fill("Rang 王芳; she will see us today")
    sales.get_by_role("button", name="Save contact").click()

    # The slip form comes prefilled from the meeting: leave an hour before, back two after.
    sales.wait_for_url("**/visits/new/**")
    meeting = meeting.replace(second=0, microsecond=0)
    assert sales.get_by_label("Planned departure").input_value() == local_input(
        meeting - timedelta(hours=1)
    )
    assert sales.get_by_label("Expected return").input_value() == local_input(
        meeting + timedelta(hours=2)
    )
    departure = departure_today(meeting - timedelta(hours=1))
    if departure != meeting - timedelta(hours=1):  # late in the evening: leave today all the same
        sales.get_by_label("Planned departure").fill(local_input(departure))
        sales.get_by_label("Expected return").fill(local_input(departure + timedelta(hours=2)))
    sales.get_by_label("Visit plan and objectives").fill("Present the metro screens; agree a trial")
    sales.get_by_role("button", name="Save slip").click()
    assert "Visit slip drafted" in sales.locator(".alert-success").inner_text()
    sales.get_by_role("button", name="Submit for approval").click()
    assert sales.get_by_test_id("state").inner_text() == "Waiting for approval"
    slip = VisitSlip.objects.get()
    assert slip.contact_record is not None
    assert timezone.localdate(slip.planned_departure) == timezone.localdate()

    # manager1 finds it in the approval queue and approves it.
    manager = sign_in("manager1")
    manager.get_by_role("link", name="Visits", exact=True).click()
    approval = manager.get_by_test_id("approval").filter(has_text=CUSTOMER)
    assert "Present the metro screens; agree a trial" in approval.inner_text()
    approval.get_by_role("button", name="Approve").click()
    assert "Visit approved." in manager.locator(".alert-success").inner_text()
    assert manager.get_by_test_id("queue-count").inner_text() == "0"

    # The front desk registers the departure, then the return, each confirmed by name.
    desk = sign_in("frontdesk")
    desk.get_by_role("link", name="Today's visits").first.click()
    person = str(people["sales1"])
    card = desk.get_by_test_id("desk-slip").filter(has_text=CUSTOMER)
    card.get_by_role("link", name="Register departure").click()
    desk.get_by_role("button", name=f"Confirm: {person} leaves now").click()
    assert "Departure registered." in desk.locator(".alert-success").inner_text()
    assert "Out on the visit" in card.inner_text()
    card.get_by_role("link", name="Register return").click()
    desk.get_by_role("button", name=f"Confirm: {person} is back").click()
    assert "Return registered." in desk.locator(".alert-success").inner_text()
    assert "Returned" in card.inner_text()
    slip.refresh_from_db()
    assert slip.state == SlipState.RETURNED
    assert (slip.departure_by, slip.return_by) == (people["frontdesk"], people["frontdesk"])

    # sales1 is asked for the log and writes it.
    sales.reload()
    sales.get_by_role("link", name="Write the log").click()
    sales.get_by_label("Person met").fill("王芳")
    sales.get_by_label("Their job title").fill("品牌总监")
    sales.get_by_label("Their phone").fill("13912345678")
    sales.get_by_label("Decision power").select_option("yes")
    sales.get_by_label("The customer's needs and problems").fill("More weekend shoppers")
    sales.get_by_label("Meeting notes").fill("Liked the metro screens; wants a quote for May")
    sales.get_by_label("Suggested class").select_option("potential")
    sales.get_by_role("button", name="Save log").click()

    assert "Visit log saved." in sales.locator(".alert-success").inner_text()
    log = sales.get_by_test_id("log").inner_text()
    assert "王芳" in log
    assert "Liked the metro screens" in log
    assert VisitLog.objects.get().written_at is not None

    # The person met is now one of the customer's contact people.
    sales.get_by_role("link", name=CUSTOMER).click()
    assert "王芳" in sales.get_by_test_id("contact_people").inner_text()
    assert ContactPerson.objects.filter(
        customer=customer, name="王芳", decision_power="yes"
    ).exists()


def test_the_desk_fits_a_phone(sign_in, people):
    departure = departure_today(timezone.now() + timedelta(hours=1))
    back = departure + timedelta(hours=2)
    for number, state in enumerate([SlipState.APPROVED, SlipState.DEPARTED]):
        customer = make_customer(
            people[f"sales{number + 1}"], name=f"深圳前海国际广告传播集团有限公司 {number}"
        )
        make_slip_for(customer, state, departure=departure, back=back)

    desk = sign_in("frontdesk", phone=True)
    desk.goto("/visits/desk/")

    assert desk.get_by_test_id("desk-slip").count() == 2
    assert desk.get_by_role("link", name="Register departure").is_visible()
    assert desk.get_by_role("link", name="Register return").is_visible()
    assert desk.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_front_desk_confirms_a_return_by_name_and_undoes_it(sign_in, people, language):
    departure = departure_today(timezone.now() - timedelta(minutes=30))
    slip = make_slip_for(
        make_customer(people["sales1"], name=CUSTOMER),
        SlipState.DEPARTED,
        departure=departure,
        back=departure + timedelta(hours=2),
    )
    person = str(people["sales1"])
    labels = {
        "en": ("Register return", f"Confirm: {person} is back", "Undo the return"),
        "zh-hans": ("登记返回", f"确认：{person} 已返回", "撤销返回登记"),
    }[language]
    desk_user = people["frontdesk"]
    desk_user.language = language
    desk_user.save(update_fields=["language"])

    desk = sign_in("frontdesk", phone=language == "zh-hans")
    desk.goto("/visits/desk/")
    card = desk.get_by_test_id("desk-out").get_by_test_id("desk-slip").filter(has_text=CUSTOMER)
    card.get_by_role("link", name=labels[0]).click()
    # htmx puts the question into the card: it names the person and the customer.
    confirm = desk.get_by_test_id("desk-confirm")
    assert person in confirm.inner_text()
    assert CUSTOMER in confirm.inner_text()
    slip.refresh_from_db()
    assert slip.state == SlipState.DEPARTED  # nothing happens before the confirmation
    confirm.get_by_role("button", name=labels[1]).click()

    back = desk.get_by_test_id("desk-back").get_by_test_id("desk-slip").filter(has_text=CUSTOMER)
    back.get_by_role("button", name=labels[2]).click()

    out = desk.get_by_test_id("desk-out").get_by_test_id("desk-slip").filter(has_text=CUSTOMER)
    assert out.get_by_role("link", name=labels[0]).is_visible()
    slip.refresh_from_db()
    assert slip.state == SlipState.DEPARTED
    assert slip.return_by is None
    assert not VisitLog.objects.filter(slip=slip).exists()
