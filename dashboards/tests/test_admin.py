from django.contrib import admin
from django.urls import reverse

from customers.tests.factories import make_customer


def test_every_admin_list_opens_for_the_administrator(client_for, admin_user, salesperson):
    make_customer(salesperson)
    client = client_for(admin_user)

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
