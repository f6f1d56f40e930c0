from visits import timeline
from visits.tests.factories import make_log, write_log


def test_a_log_that_met_nobody_says_so_on_the_customers_timeline(salesperson, front_desk):
    log = make_log(salesperson, front_desk=front_desk)
    write_log(
        log.slip,
        person_met="",
        needs="",
        met_nobody=True,
        met_nobody_reason="Only the receptionist was in.",
    )

    events = timeline.events(salesperson, log.customer, None, 10)

    logged = [event for event in events if event.key == f"log-{log.pk}"]
    assert [str(event.what) for event in logged] == ["Visit log: met nobody / not known"]
