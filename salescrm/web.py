"""What every thin view does: run a service call for the user and say how it went; read
dates from the query string within the range the app works in."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import BadRequest

from salescrm.errors import DomainError


def attempt(request, success, action, **kwargs) -> bool:
    """Call `action(actor=request.user, **kwargs)`; a refused rule becomes an error message.

    Returns whether it succeeded, after adding `success` (or the reason) to the messages.
    """
    try:
        action(actor=request.user, **kwargs)
    except DomainError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, success)
    return True


# Dates a page may be asked about: far enough back and ahead for any real record, and far
# from the ends of the calendar (a week before 0001-01-01 or after 9999-12-31 overflows).
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2999, 12, 31)


def day_in_range(day: date, message: str) -> date:
    """`day`, or BadRequest(message) -- a clear 400 page -- when it is out of range."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise BadRequest(message)
    return day
