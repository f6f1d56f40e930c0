"""What a deadline job did: who was told, the history it wrote, two workers at once."""

from collections import Counter

from salescrm.models import Notification
from salescrm.testing.threads import run_together


def told(kind):
    """(recipient username, customer name) of every notification of `kind`, with repeats."""
    return Counter(
        (username, params["customer"])
        for username, params in Notification.objects.filter(kind=kind).values_list(
            "recipient__username", "params"
        )
    )


def no_repeats(kind):
    """told(kind), checked to name someone and to tell nobody of the same thing twice."""
    counts = told(kind)
    assert counts, kind
    assert set(counts.values()) == {1}, counts
    return counts


def reasons(obj):
    """The change reasons of `obj`'s history, oldest first."""
    return list(obj.history.order_by("history_id").values_list("history_change_reason", flat=True))


def two_workers(job, now):
    """Run `job(now=now)` in two threads at once; each must have done part of the work."""
    results = run_together(lambda: job(now=now), lambda: job(now=now))
    for result in results:
        assert isinstance(result, dict), results
        assert any(result.values()), results  # each worker did part of the work
    return results
