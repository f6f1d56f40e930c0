from django.dispatch import Signal

# A customer got a new owner (None: back to the pool), inside the assigning transaction.
# Sent with customer=, previous=, assignee=, actor=, now=.
owner_changed = Signal()

# Many customers got new owners at once (a bulk assignment), inside the assigning
# transaction. Sent with changes=[(customer, previous, assignee), ...], actor=, now=.
owners_changed = Signal()
