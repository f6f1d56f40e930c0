from django import template

from contracts import rules

register = template.Library()


@register.filter
def major_reason(reason: dict) -> str:
    """Why an agreement is major, in the reader's language."""
    return rules.describe(reason)
