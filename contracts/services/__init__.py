"""Every change to plans and agreements goes through these functions (Figures 1 and 2).

Each document moves only along its table, PLAN_TRANSITIONS or AGREEMENT_TRANSITIONS:
(from, to) -> the capacities that may make the move (salescrm.transitions). Capacities are
OWNER (the document's salesperson), MANAGER (of the salesperson's team) and the signing
capacities REVIEWER (plan review), MANAGER_SIGNER and DIRECTOR_SIGNER, which a person
holds in their own right or under a delegation valid today.

A move locks the row, checks the table, saves with update_fields (history kept by
simple-history), records a Signature for every decision, and tells the people concerned.

The package, by seam (callers use `from contracts import services; services.X`):

- signing: who signs what (eligible signers, signing authority under a delegation), the
  capacities, and the move, signature and notification every service shares.
- plans: Figure 1, the plan's send-gate, and drafting an agreement from an accepted plan.
- agreements: Figure 2: numbering, lines and list prices, the major rule, the signed
  decisions, the agreement's send-gate, sending, reopening and cancelling; and open
  documents following their customer to a new owner (follow_customer).
- closing: the customer signs the agreement or a letter of intent, which moves the
  customer's class.
- change_requests: rule 4.1, the free allowance and the fee.
- delegations: recording and revoking a delegation.

active_delegations (whom a delegate may sign for on a day) is defined in contracts.access,
which decides who may act for whom; it is re-exported here. Private helpers (_move,
_lock_agreement, ...) are not: each module imports what it calls by name, so a test that
patches one patches it in the module whose code calls it.
"""

from contracts.access import active_delegations
from contracts.services.agreements import (
    AGREEMENT_RELEASED,
    AGREEMENT_TRANSITIONS,
    agreement_cancel,
    agreement_decide,
    agreement_is_valid,
    agreement_missing_signatures,
    agreement_moves,
    agreement_reopen,
    agreement_send,
    agreement_submit,
    agreement_update,
    agreement_url,
    agreement_withdraw,
    follow_customer,
    follow_customers,
    next_number,
    require_valid_agreement,
)
from contracts.services.change_requests import allowance, change_request_add
from contracts.services.closing import CLASS_ORDER, agreement_record_loi, agreement_sign
from contracts.services.delegations import check_delegation, delegation_create, delegation_revoke
from contracts.services.plans import (
    PLAN_RELEASED,
    PLAN_TRANSITIONS,
    agreement_create,
    plan_accept,
    plan_cancel,
    plan_create,
    plan_decline,
    plan_is_valid,
    plan_missing_signatures,
    plan_moves,
    plan_reopen,
    plan_review,
    plan_send,
    plan_submit,
    plan_update,
    plan_url,
    plan_withdraw,
    require_valid_plan,
)
from contracts.services.pricing import (
    MONEY_LIMIT,
    agreement_preview,
    judge_lines,
    major_reasons_now,
)
from contracts.services.signing import (
    STEP_CAPACITY,
    delegation_in_use,
    eligible_signers,
    may_act,
    signers_to_tell,
    signing_authority,
)

__all__ = [
    "AGREEMENT_RELEASED",
    "AGREEMENT_TRANSITIONS",
    "CLASS_ORDER",
    "MONEY_LIMIT",
    "PLAN_RELEASED",
    "PLAN_TRANSITIONS",
    "STEP_CAPACITY",
    "active_delegations",
    "agreement_cancel",
    "agreement_create",
    "agreement_decide",
    "agreement_is_valid",
    "agreement_missing_signatures",
    "agreement_moves",
    "agreement_preview",
    "agreement_record_loi",
    "agreement_reopen",
    "agreement_send",
    "agreement_sign",
    "agreement_submit",
    "agreement_update",
    "agreement_url",
    "agreement_withdraw",
    "allowance",
    "change_request_add",
    "check_delegation",
    "delegation_create",
    "delegation_in_use",
    "delegation_revoke",
    "eligible_signers",
    "follow_customer",
    "follow_customers",
    "judge_lines",
    "major_reasons_now",
    "may_act",
    "next_number",
    "plan_accept",
    "plan_cancel",
    "plan_create",
    "plan_decline",
    "plan_is_valid",
    "plan_missing_signatures",
    "plan_moves",
    "plan_reopen",
    "plan_review",
    "plan_send",
    "plan_submit",
    "plan_update",
    "plan_url",
    "plan_withdraw",
    "require_valid_agreement",
    "require_valid_plan",
    "signers_to_tell",
    "signing_authority",
]
