import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers import identity
from customers.models import Customer, IdentityKey, PipelineClass, SourceChannel, file_overdue
from salescrm import people
from salescrm.models import User
from salescrm.permissions import Capability, can


class CustomerFilter(django_filters.FilterSet):
    """Search and filters of the customer list; never renders thousands of options."""

    q = django_filters.CharFilter(label=_("Name, contact or phone"), method="search")
    credit_code = django_filters.CharFilter(label=_("Credit code"), method="by_credit_code")
    pipeline_class = django_filters.ChoiceFilter(label=_("Class"), choices=PipelineClass.choices)
    source = django_filters.ChoiceFilter(label=_("Source"), choices=SourceChannel.choices)
    owner = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=User.objects.none())
    overdue = django_filters.BooleanFilter(
        label=_("File overdue"),
        method="by_overdue",
        widget=django_filters.widgets.BooleanWidget(),
    )

    class Meta:
        model = Customer
        fields = ["q", "credit_code", "pipeline_class", "source", "owner", "overdue"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Owners to choose from: the people whose customers this user may see (a team, at most
        # the company's sales staff), never a list of customers.
        team_id = people.managed_team_id(user)
        if team_id is not None:
            owners = people.salespeople(team=team_id)
        elif can(user, Capability.SEE_COMPANY):
            owners = people.all_salespeople()
        else:
            owners = User.objects.none()
            del self.filters["owner"]
        if "owner" in self.filters:
            self.filters["owner"].queryset = owners.order_by("username")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q(name__icontains=value) | Q(contact_people__name__icontains=value)
        phone = identity.normalize_phone(value)
        name_key = identity.normalize_company_name(value)
        keys = Q()
        if phone:
            keys |= Q(kind=IdentityKey.Kind.PHONE, value__contains=phone.lstrip("+"))
        if name_key:
            keys |= Q(kind=IdentityKey.Kind.NAME, value__contains=name_key)
        if keys:
            match |= Q(pk__in=IdentityKey.objects.filter(keys).values("customer_id"))
        return queryset.filter(pk__in=Customer.objects.filter(match).values("pk"))

    def by_credit_code(self, queryset, name, value):
        code = identity.normalize_credit_code(value)
        return queryset.filter(credit_code__startswith=code) if code else queryset

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = file_overdue(timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
