from customers.models import Customer, PipelineClass
from customers.tests.factories import make_customer
from demo.pool import seed_pool


def test_the_demo_has_files_about_to_return_returned_files_and_a_locked_customer(
    salesperson, manager
):
    key = make_customer(salesperson)
    Customer.objects.filter(pk=key.pk).update(pipeline_class=PipelineClass.KEY)

    counts = seed_pool()

    assert counts["customers returned to the pool"] == 1
    assert counts["customers locked out of the pool"] == 1
    assert Customer.objects.get(name="温州东瓯传媒有限公司").former_owner == salesperson
    assert Customer.objects.get(name="宁波海天广告有限公司").owner == salesperson
    key.refresh_from_db()
    assert key.recycle_locked_until is not None
    assert seed_pool() == {"customers returned to the pool": 0}  # once only
