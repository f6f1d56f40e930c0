from django.dispatch import Signal

# A customer got a new owner (None: back to the pool), inside the assigning transaction.
# Sent with customer=, previous=, assignee=, actor=, now=.
owner_changed = Signal()
