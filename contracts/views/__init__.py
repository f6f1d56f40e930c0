"""The contracts app's pages, one module per part of the work; urls.py names them here."""

from contracts.views.agreements import (  # noqa: F401
    agreement_act,
    agreement_detail,
    agreement_final_pdf,
    agreement_pdf,
    agreement_print,
    change_request_add,
)
from contracts.views.editor import agreement_edit, agreement_line, agreement_preview  # noqa: F401
from contracts.views.lists import (  # noqa: F401
    agreement_list,
    customer_panel,
    delegation_revoke,
    delegations,
    overview,
    plan_list,
)
from contracts.views.plans import (  # noqa: F401
    plan_act,
    plan_create,
    plan_detail,
    plan_edit,
    plan_final_pdf,
    plan_new_agreement,
    plan_pdf,
    plan_print,
    plan_version,
)
