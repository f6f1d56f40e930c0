"""Signals contracts sends for apps above it (which must not be imported from here)."""

from django.dispatch import Signal

# Sent by agreement_sign inside its transaction, after the agreement is saved as signed:
# agreement=, actor=, now=. Receivers call a service of their own.
agreement_signed = Signal()
