"""Every change to customers goes through these functions.

Each one locks what it changes, checks the move, saves with update_fields, keeps
the history (simple-history rows, class changes, assignments, claims) and only
then tells people.

The modules: `files` (identity: the first record wins; deadlines; create and change;
contact people; the first contact), `ownership` (assignment, reassignment, the
extension, deactivation, claims), `review` (the pipeline class, the weekly check) and
`thread` (escalation and guidance). Callers use the names below: `services.X(...)`.

An owner changes only in ownership.owner_assign, which sends signals.owner_changed
(customer=, previous=, assignee=, actor=, now=) inside the assigning transaction, or in
ownership.owners_assign (a bulk assignment), which sends signals.owners_changed once
(changes=[(customer, previous, assignee)], actor=, now=); contracts receives both, so
that a customer's open plans and agreements follow it to its new owner.
"""

from customers.services.files import (
    CUSTOMER_FIELDS,
    ContactPersonData,
    DuplicateCustomer,
    completion_due,
    contact_person_delete,
    contact_person_save,
    customer_contacted,
    customer_create,
    customer_update,
    customer_url,
    find_duplicate,
    first_contact_due,
    keys_for_new,
    keys_on_file,
    pick_duplicate,
)
from customers.services.ownership import (
    ASSIGN_LIMIT,
    FIRST_CONTACT_FIELDS,
    assignment_plan,
    claim_can_decide,
    claim_decide,
    claim_file,
    customer_reassign,
    customers_assign,
    customers_return_to_pool,
    first_contact_extend,
    on_user_deactivating,
    owner_assign,
    owners_assign,
    pool_set_team,
)
from customers.services.review import (
    CHECK_TRANSITIONS,
    SYSTEM_ONLY_CLASSES,
    customer_change_class,
    file_resubmit,
    file_return,
    files_mark_checked,
)
from customers.services.thread import escalation_close, note_add

__all__ = [
    "ASSIGN_LIMIT",
    "CHECK_TRANSITIONS",
    "CUSTOMER_FIELDS",
    "FIRST_CONTACT_FIELDS",
    "SYSTEM_ONLY_CLASSES",
    "ContactPersonData",
    "DuplicateCustomer",
    "assignment_plan",
    "claim_can_decide",
    "claim_decide",
    "claim_file",
    "completion_due",
    "contact_person_delete",
    "contact_person_save",
    "customer_change_class",
    "customer_contacted",
    "customer_create",
    "customer_reassign",
    "customer_update",
    "customer_url",
    "customers_assign",
    "customers_return_to_pool",
    "escalation_close",
    "file_resubmit",
    "file_return",
    "files_mark_checked",
    "find_duplicate",
    "first_contact_due",
    "first_contact_extend",
    "keys_for_new",
    "keys_on_file",
    "note_add",
    "on_user_deactivating",
    "owner_assign",
    "owners_assign",
    "pick_duplicate",
    "pool_set_team",
]
