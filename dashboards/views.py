from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from contracts import selectors as contract_selectors
from contracts.models import Agreement, AgreementState
from customers import selectors as customer_selectors
from salescrm import notifications, people
from salescrm import selectors as salescrm_selectors
from salescrm.permissions import Capability, can
from visits import selectors as visit_selectors
from visits.models import SlipState

INBOX_ON_HOME = 10
FILES_ON_HOME = 20


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
    context["inbox"] = notifications.inbox_for(user).filter(read_at__isnull=True)[:INBOX_ON_HOME]
    policy = salescrm_selectors.policy()
    context["daily_target"] = (
        policy.daily_new_customers_target if context["today_is_working_day"] else 0
    )
    if can(user, Capability.SELL):
        context["new_today"] = customer_selectors.new_files_today(user, today=today)
        context["files_due"] = customer_selectors.files_due(user)[:FILES_ON_HOME]
        context["returned"] = customer_selectors.returned_files(user)[:FILES_ON_HOME]
        context["now"] = now
        context["week"] = visit_selectors.my_week(user, now=now)
        context["weekly_target"] = policy.weekly_visits_target
        context["returned_documents"] = contract_selectors.returned_to_draft(user)
        context["my_manager"] = people.manager_of(user)
    elif can(user, Capability.MANAGE_TEAM):
        team_id = people.managed_team_id(user)
        if team_id is not None:
            context["team_today"] = customer_selectors.team_today(user, today=today)
            context["pending_checks"] = customer_selectors.pending_checks(user).count()
            context["claims"] = customer_selectors.claims_to_decide(user).count()
            context["reassignment_queue"] = customer_selectors.reassignment_queue(user).count()
            context["pool_size"] = customer_selectors.pool().count()
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
    return render(request, "dashboards/home.html", context)
