from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from salescrm import selectors, services
from salescrm.forms import LanguageForm
from salescrm.roles import Role


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
    if user.role == Role.MANAGER and user.team_id:
        context["members"] = selectors.team_members(user.team)
    elif user.role == Role.DIRECTOR:
        context["teams"] = selectors.teams_with_managers()
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
