from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from contracts import selectors as contract_selectors
from contracts.models import Agreement, AgreementState
from customers import selectors as customer_selectors
from salescrm import notifications, selectors, services
from salescrm.forms import LanguageForm
from salescrm.roles import Role
from visits import selectors as visit_selectors
from visits.models import SlipState

INBOX_ON_HOME = 10
FILES_ON_HOME = 20
INBOX_PAGE_SIZE = 50


@require_GET
@login_required
def home(request):
    """The role's home page."""
    user = request.user
    today = timezone.localdate()
    calendar = selectors.work_calendar(today=today)
    context = {
        "today": today,
        "today_is_working_day": calendar.is_working_day(today),
        "next_working_day": calendar.add_working_days(today, 1),
    }
    context["inbox"] = notifications.inbox_for(user).filter(read_at__isnull=True)[:INBOX_ON_HOME]
    policy = selectors.policy()
    context["daily_target"] = (
        policy.daily_new_customers_target if context["today_is_working_day"] else 0
    )
    if user.role == Role.SALESPERSON:
        context["new_today"] = customer_selectors.new_files_today(user, today=today)
        context["files_due"] = customer_selectors.files_due(user)[:FILES_ON_HOME]
        context["returned"] = customer_selectors.returned_files(user)[:FILES_ON_HOME]
        context["now"] = timezone.now()
        context["week"] = visit_selectors.my_week(user, now=context["now"])
        context["weekly_target"] = policy.weekly_visits_target
        context["returned_documents"] = contract_selectors.returned_to_draft(user)
    elif user.role == Role.MANAGER and user.team_id:
        context["members"] = selectors.team_members(user.team)
        context["team_today"] = customer_selectors.team_today(user, today=today)
        context["pending_checks"] = customer_selectors.pending_checks(user).count()
        context["claims"] = customer_selectors.claims_to_decide(user).count()
        context["reassignment_queue"] = customer_selectors.reassignment_queue(user).count()
        context["pool_size"] = customer_selectors.pool().count()
        context["slips_to_approve"] = visit_selectors.approval_queue(user).count()
        context["plans_to_review"] = contract_selectors.plans_to_review(user).count()
        context["agreements_to_approve"] = contract_selectors.agreements_to_approve(user).count()
        context["late_returns"] = visit_selectors.late_returns(user, now=timezone.now())
    elif user.role == Role.DIRECTOR:
        context["teams"] = selectors.teams_with_managers()
        context["agreements_to_approve"] = (
            contract_selectors.agreements_to_approve(user)
            .filter(state=AgreementState.DIRECTOR_REVIEW)
            .count()
        )
        first_of_month = today.replace(day=1)
        context["signed_this_month"] = contract_selectors.signed_between(
            Agreement.objects.all(), first_of_month, today + timedelta(days=1)
        )
    elif user.role == Role.FRONT_DESK:
        slips = visit_selectors.desk_slips(now=timezone.now())
        context["desk_out"] = slips.filter(state=SlipState.DEPARTED).count()
        context["desk_waiting"] = slips.filter(state=SlipState.APPROVED).count()
    elif user.role == Role.ADMIN:
        context["job_runs"] = selectors.last_job_runs()
        context["missing_calendar_years"] = selectors.calendar_years_missing_schedule(today=today)
    return render(request, "salescrm/home.html", context)


@require_POST
def language_switch(request):
    """Switch the interface language; remembered on the user and in a cookie."""
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = redirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


@require_GET
@login_required
def inbox(request):
    page = Paginator(notifications.inbox_for(request.user), INBOX_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "salescrm/inbox.html", {"page": page})


@require_POST
@login_required
def inbox_mark_read(request):
    ids = [
        int(pk) for pk in request.POST.getlist("notification") if pk.isascii() and pk.isdecimal()
    ]
    count = notifications.mark_read(user=request.user, notification_ids=ids or None)
    messages.success(
        request,
        ngettext("%(count)d marked read.", "%(count)d marked read.", count) % {"count": count},
    )
    next_url = request.POST.get("next") or reverse("inbox")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("inbox")
    return redirect(next_url)
