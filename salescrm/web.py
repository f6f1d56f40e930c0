"""What every thin view does with a service call: run it for the user, say how it went."""

from django.contrib import messages

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
