"""The manager's hand in the pool rules (customers.recycling): one extension, a lock."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers import access, recycling
from customers.forms import ExtensionForm, PoolLockForm
from salescrm.permissions import Capability as C
from salescrm.permissions import capability_required
from salescrm.web import attempt


@require_POST
@capability_required(C.MANAGE_TEAM)
def pool_extend(request, pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the extension is granted."))
    else:
        attempt(
            request,
            _("Extension granted: %(customer)s stays with its owner longer.")
            % {"customer": customer.name},
            recycling.grant_extension,
            customer=customer,
            reason=form.cleaned_data["reason"],
        )
    return redirect("customers:detail", pk=customer.pk)


@require_POST
@capability_required(C.MANAGE_TEAM)
def pool_lock(request, pk):
    customer = access.customer_for_user(request.user, pk, write=True)
    form = PoolLockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day and the reason for the lock."))
    else:
        attempt(
            request,
            _("%(customer)s is kept out of the pool.") % {"customer": customer.name},
            recycling.lock,
            customer=customer,
            until=form.cleaned_data["until"],
            reason=form.cleaned_data["reason"],
        )
    return redirect("customers:detail", pk=customer.pk)
