"""Money outstanding keeps a customer out of the pool (issue 17; customers.recycling hook)."""

from datetime import timedelta

from django.utils import timezone

from contracts.models import Agreement
from customers import recycling
from customers.models import Customer, PipelineClass, RecycleRule
from receivables.tests.factories import confirmed_plan, receipt


def test_a_customer_returns_to_the_pool_only_once_the_money_is_collected(salesperson, finance):
    RecycleRule.objects.update_or_create(
        pipeline_class=PipelineClass.UNCLASSIFIED, defaults={"working_days": 5}
    )
    plan = confirmed_plan(salesperson)
    agreement = plan.agreement
    customer = agreement.customer
    # The campaign ended long ago and nobody followed the customer up since.
    past = timezone.localdate() - timedelta(days=400)
    Agreement.objects.filter(pk=agreement.pk).update(period_start=past, period_end=past)
    Customer.objects.filter(pk=customer.pk).update(pipeline_class=PipelineClass.UNCLASSIFIED)
    later = timezone.now() + timedelta(days=120)

    assert recycling.pool_returns(now=later)["customers returned to the pool"] == 0

    receipt(agreement, finance, str(plan.total), received_on=timezone.localdate())
    assert (
        not Customer.objects.filter(pk=customer.pk)
        .filter(recycling.EXEMPTIONS["receivables.outstanding"]())
        .exists()
    )
    assert recycling.pool_returns(now=later)["customers returned to the pool"] == 1
