from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from contracts import selectors as contract_selectors
from contracts.models import Agreement, AgreementState
from customers import selectors as customer_selectors
from dashboards import collections
from salescrm import notifications, people
from salescrm import selectors as salescrm_selectors
from salescrm.permissions import Capability, can
from salescrm.worklist import FOLD_FROM, Worklist, worklist
from visits import selectors as visit_selectors
from visits.models import SlipState

INBOX_ON_HOME = 3


@require_GET
@login_required
def home(request):
    """The person's home page: what their capabilities make them responsible for."""
    user = request.user
    today = timezone.localdate()
    now = timezone.now()
    calendar = salescrm_selectors.work_calendar(today=today)
    context = {
        "today": today,
        "today_is_working_day": calendar.is_working_day(today),
        "next_working_day": calendar.add_working_days(today, 1),
    }
    work = worklist(user, now=now)
    context["worklist"] = work
    context["worklist_sections"] = [
        (heading, len(items), Worklist.grouped(items), testid, style)
        for heading, items, testid, style in [
            (_("Overdue"), work.overdue, "work-overdue", "text-danger"),
            (_("Today"), work.today, "work-today", ""),
            (_("This week"), work.week, "work-week", ""),
            (_("Later"), work.later, "work-later", "text-body-secondary"),
        ]
    ]
    context["fold_from"] = FOLD_FROM
    context["bulk_approve"] = (
        sum(1 for item in work.overdue + work.today + work.week if item.key) > 1
    )
    context["now"] = now
    # The inbox, collapsed: the latest of what still waits for the person.
    context["inbox"] = notifications.waiting_for(user).select_related("actor")[:INBOX_ON_HOME]
    policy = salescrm_selectors.policy()
    context["daily_target"] = (
        policy.daily_new_customers_target if context["today_is_working_day"] else 0
    )
    if can(user, Capability.SELL):
        context["new_today"] = customer_selectors.new_files_today(user, today=today)
        context["week"] = visit_selectors.my_week(user, now=now)
        context["weekly_target"] = policy.weekly_visits_target
        context["my_manager"] = people.manager_of(user)
    elif can(user, Capability.MANAGE_TEAM):
        team_id = people.managed_team_id(user)
        if team_id is not None:
            context["team_today"] = customer_selectors.team_today(user, today=today)
            context["pending_checks"] = customer_selectors.pending_checks(user).count()
            context["claims"] = customer_selectors.claims_to_decide(user).count()
            context["reassignment_queue"] = customer_selectors.reassignment_queue(user).count()
            context["pool_size"] = customer_selectors.pool(user).count()
            context["slips_to_approve"] = visit_selectors.approval_queue(user).count()
            context["plans_to_review"] = contract_selectors.plans_to_review(user).count()
            context["agreements_to_approve"] = contract_selectors.agreements_to_approve(
                user
            ).count()
            context["late_returns"] = visit_selectors.late_returns(user, now=now)
    elif can(user, Capability.SEE_COMPANY):
        context["teams"] = people.teams_and_managers()
        context["agreements_to_approve"] = (
            contract_selectors.agreements_to_approve(user)
            .filter(state=AgreementState.DIRECTOR_REVIEW)
            .count()
        )
        first_of_month = today.replace(day=1)
        context["signed_this_month"] = contract_selectors.signed_between(
            Agreement.objects.all(), first_of_month, today + timedelta(days=1)
        )
    elif can(user, Capability.RUN_DESK):
        slips = visit_selectors.desk_slips(now=now)
        context["desk_out"] = slips.filter(state=SlipState.DEPARTED).count()
        context["desk_waiting"] = slips.filter(state=SlipState.APPROVED).count()
    elif can(user, Capability.ADMINISTER):
        context["job_runs"] = salescrm_selectors.last_job_runs()
        context["missing_calendar_years"] = salescrm_selectors.calendar_years_missing_schedule(
            today=today
        )
    context["collections"] = collections.panel(user, today=today, now=now)
    return render(request, "dashboards/home.html", context)
