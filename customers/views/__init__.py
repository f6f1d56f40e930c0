"""The customers app's pages, one module per part of the work; urls.py names them here."""

from customers.views.common import claim_token  # noqa: F401
from customers.views.files import (  # noqa: F401
    contact_person_delete,
    contact_person_edit,
    customer_create,
    customer_detail,
    customer_edit,
    customer_export,
    customer_list,
    customer_timeline,
    duplicate_help,
    filtered_customers,
)
from customers.views.ownership import (  # noqa: F401
    claim_create,
    claim_decide,
    claim_queue,
    customer_reassign,
    my_claims,
    queue_extend,
    queue_reassign,
    reassignment_queue,
)
from customers.views.pool import pool, pool_assign, pool_team, split_text  # noqa: F401
from customers.views.recycling import pool_extend, pool_lock  # noqa: F401
from customers.views.review import (  # noqa: F401
    board,
    check_mark,
    check_queue,
    check_return,
    customer_change_class,
    escalation_close,
    file_resubmit,
    file_return,
    note_add,
)
