from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from customers import identity, selectors
from customers.models import Customer, CustomerImport, PipelineClass, SourceChannel, file_overdue
from salescrm import people
from salescrm.models import User
from salescrm.permissions import Capability, can
from salescrm.workdays import day_range

# Quick filters: one click for the lists people work from.
QUIET_DAYS = 30
QUICK = [
    ("overdue", _("Files overdue")),
    ("first_contact", _("First contact due")),
    ("escalated", _("Escalated")),
    ("quiet", _("No contact in 30 days")),
]


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sort by a column, then by id, so that pages never repeat or skip a row."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            last = value[-1]
            return qs.order_by(*qs.query.order_by, "pk" if not last.startswith("-") else "-pk")
        return qs


class CustomerFilter(django_filters.FilterSet):
    """Search and filters of the customer list; never renders thousands of options."""

    quick = django_filters.ChoiceFilter(label=_("Show"), choices=QUICK, method="by_quick")
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=[
            ("name", "name"),
            ("entered_at", "entered"),
            ("last_activity_at", "contact"),
            ("completion_due_at", "due"),
        ],
        field_labels={
            "name": _("Company"),
            "entered_at": _("Entered"),
            "last_activity_at": _("Last contact"),
            "completion_due_at": _("File due"),
        },
    )
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
        fields = ["q", "quick", "credit_code", "pipeline_class", "source", "owner", "overdue"]

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
            self.filters["owner"].queryset = owners.order_by(*people.BY_NAME)

    def search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def by_credit_code(self, queryset, name, value):
        code = identity.normalize_credit_code(value)
        return queryset.filter(credit_code__startswith=code) if code else queryset

    def by_quick(self, queryset, name, value):
        now = timezone.now()
        if value == "overdue":
            return queryset.filter(file_overdue(now))
        if value == "first_contact":
            return queryset.filter(
                owner__isnull=False,
                first_contact_at__isnull=True,
                first_contact_due_at__isnull=False,
            )
        if value == "escalated":
            return queryset.filter(escalated_at__isnull=False)
        if value == "quiet":
            since = now - timedelta(days=QUIET_DAYS)
            return queryset.filter(owner__isnull=False).filter(
                Q(last_activity_at__lt=since)
                | Q(last_activity_at__isnull=True, assigned_at__lt=since)
            )
        return queryset

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = file_overdue(timezone.now())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


POOLS = [("company", _("The company's pool")), ("team", _("My team's pool"))]


class PoolFilter(django_filters.FilterSet):
    """Filters of the unowned pool: what a manager narrows a lead list by before assigning."""

    q = django_filters.CharFilter(label=_("Company"), method="search")
    source = django_filters.ChoiceFilter(label=_("Source channel"), choices=SourceChannel.choices)
    batch = django_filters.ModelChoiceFilter(
        label=_("Import batch"),
        field_name="source_import",
        queryset=CustomerImport.objects.none(),
        empty_label=_("Any batch"),
    )
    city = django_filters.CharFilter(label=_("City"), field_name="city", lookup_expr="icontains")
    entered_from = django_filters.DateFilter(
        label=_("Entered from"),
        method="by_entered_from",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    entered_to = django_filters.DateFilter(
        label=_("Entered until"),
        method="by_entered_to",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    pool = django_filters.ChoiceFilter(label=_("Pool"), choices=POOLS, method="by_pool")

    class Meta:
        model = Customer
        fields = ["q", "source", "batch", "city", "entered_from", "entered_to", "pool"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["batch"].queryset = selectors.pool_batches(user)
        self.filters["batch"].field.label_from_instance = batch_label
        if people.managed_team_id(user) is None:
            del self.filters["pool"]

    def search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def by_entered_from(self, queryset, name, value):
        start, _end = day_range(value, tz=timezone.get_current_timezone())
        return queryset.filter(entered_at__gte=start)

    def by_entered_to(self, queryset, name, value):
        _start, end = day_range(value, tz=timezone.get_current_timezone())
        return queryset.filter(entered_at__lt=end)

    def by_pool(self, queryset, name, value):
        if value == "company":
            return queryset.filter(pool_team__isnull=True)
        if value == "team":
            return queryset.filter(pool_team__isnull=False)
        return queryset

    @property
    def params(self) -> list[tuple[str, str]]:
        """The filters in use, as (name, value), to carry them through a form."""
        if not self.is_bound:
            return []
        return [
            (name, self.data.get(name))
            for name in self.filters
            if self.data.get(name) not in (None, "")
        ]


def batch_label(customer_import: CustomerImport) -> str:
    uploaded = date_format(timezone.localtime(customer_import.created_at), "SHORT_DATE_FORMAT")
    return f"{customer_import.file_name} · {uploaded}"
