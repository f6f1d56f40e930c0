"""Signals the core sends, for the apps above it to act on (each receiver calls a service).

user_deactivating: a user is being deactivated, inside the deactivating transaction.
Sent with user=, actor=, now=. A receiver hands that person's work on (customers go back
to the pool) and returns a sentence for the administrator, or None.
"""

from django.dispatch import Signal

user_deactivating = Signal()
