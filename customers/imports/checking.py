"""Checking the rows of a lead list: each is new, a duplicate or invalid. Writes nothing.

A duplicate is of a customer on file, or of an earlier new row of the same file (the first
row wins), by the identity keys customers.services uses; an invalid row says why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from customers import identity
from customers import services as customer_services
from customers.imports.columns import (
    COLUMNS,
    CONTACT_PERSON_FIELDS,
    _model_field,
    column_label,
    parse_source,
)
from customers.imports.reading import SourceRow, _text, parse_date
from customers.models import CustomerImport, IdentityKey, SourceChannel
from salescrm.errors import DomainError
from salescrm.models import User
from salescrm.permissions import Capability, can


class RowStatus:
    NEW = "new"
    DUPLICATE = "duplicate"
    INVALID = "invalid"

    labels = {NEW: _("New"), DUPLICATE: _("Duplicate"), INVALID: _("Invalid")}


PROBLEMS = {
    "missing_name": _("The company name is missing."),
    "too_long": _("%(column)s is longer than %(max)d characters."),
    "credit_code": _("“%(value)s” is not a valid unified social credit code."),
    "missing_source": _("The source channel is missing, and no default was chosen for the import."),
    "unknown_source": _("“%(value)s” is not a source channel."),
    "bad_date": _("“%(value)s” is not a date. Write dates as YYYY-MM-DD."),
    "future_date": _("The date collected (%(value)s) is in the future."),
    "bad_email": _("“%(value)s” is not an e-mail address."),
    "contact_without_name": _("The contact's title, phone or e-mail is given without a name."),
}


@dataclass
class RowResult:
    """What one row of the file becomes."""

    row: int
    status: str
    name: str
    problems: list[dict] = field(default_factory=list)  # [{"code": ..., "params": {...}}]
    # The customer on file ({"customer_id", "name", "owner", "entered_at", "kind"}) or the
    # earlier row of the file ({"row", "kind"}) this row duplicates.
    duplicate_of: dict | None = None
    customer_id: int | None = None  # the customer created from the row, once imported
    data: dict = field(default_factory=dict, repr=False)
    contact_people: list = field(default_factory=list, repr=False)
    keys: set = field(default_factory=set, repr=False)

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "status": self.status,
            "name": self.name,
            "problems": self.problems,
            "duplicate_of": self.duplicate_of,
            "customer_id": self.customer_id,
        }

    @property
    def message(self) -> str:
        return describe(self.as_json())


def describe(row: dict) -> str:
    """Why a reported row is what it is, in the reader's language."""
    if row["status"] == RowStatus.INVALID:
        return " ".join(_problem_message(problem) for problem in row["problems"])
    duplicate = row.get("duplicate_of")
    if row["status"] != RowStatus.DUPLICATE or not duplicate:
        return ""
    kind = IdentityKey.Kind(duplicate["kind"]).label
    if "row" in duplicate:
        return str(_("Same %(kind)s as row %(row)d, which is the one imported.")) % {
            "kind": kind,
            "row": duplicate["row"],
        }
    entered = date_format(
        timezone.localtime(datetime.fromisoformat(duplicate["entered_at"])), "SHORT_DATE_FORMAT"
    )
    params = {"kind": kind, "name": duplicate["name"], "owner": duplicate["owner"]}
    params["entered"] = entered
    if duplicate["owner"]:
        message = _(
            "Already on file (same %(kind)s): %(name)s, owned by %(owner)s since %(entered)s."
        )
    else:
        message = _(
            "Already on file (same %(kind)s): %(name)s, in the unowned pool since %(entered)s."
        )
    return str(message) % params


def _problem_message(problem: dict) -> str:
    params = dict(problem.get("params", {}))
    if "column" in params:
        params["column"] = column_label(params["column"])
    if problem["code"] == "refused":
        return params["message"]
    return str(PROBLEMS[problem["code"]]) % params


def check_importer(actor: User, *, to_pool: bool) -> None:
    """The rules of customer_create, checked before any row: who records, who fills the pool."""
    if not can(actor, Capability.RECORD_CUSTOMERS):
        raise DomainError(_("Only salespeople and managers import customers."))
    if to_pool and not can(actor, Capability.MANAGE_TEAM):
        raise DomainError(_("Only a sales manager imports customers into the unowned pool."))


def default_source_for(*, to_pool: bool, default_source: str = "") -> str:
    """The channel of rows without one: the chosen default; for the pool, marketing events."""
    if default_source and default_source not in SourceChannel.values:
        raise DomainError(_("Unknown source channel."))
    if not default_source and to_pool:
        return SourceChannel.MARKETING_EVENT
    return default_source


def default_source_label(customer_import: CustomerImport) -> str:
    """The channel given to the import's rows without one ("" when they must give it)."""
    source = default_source_for(
        to_pool=customer_import.to_pool, default_source=customer_import.default_source
    )
    return str(SourceChannel(source).label) if source else ""


def check_rows(
    rows: Iterable[SourceRow],
    *,
    actor: User,
    to_pool: bool,
    default_source: str = "",
    now: datetime | None = None,
) -> Iterator[RowResult]:
    """Each row's result, in file order. Writes nothing.

    Every row is read and parsed first, so that the customers on file sharing a key with
    any row are looked up at once (customer_services.keys_on_file), not with a query per row.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    check_importer(actor, to_pool=to_pool)
    default_source = default_source_for(to_pool=to_pool, default_source=default_source)
    parsed = [_parse(row, default_source=default_source, today=today) for row in rows]
    on_file = customer_services.keys_on_file(set().union(*(result.keys for result in parsed)))
    first_rows: dict[tuple[str, str], int] = {}  # identity key -> the new row holding it
    for result in parsed:
        if result.status == RowStatus.NEW:
            result.duplicate_of = _earlier_row(result.keys, first_rows) or _on_file(
                result.keys, on_file
            )
            if result.duplicate_of:
                result.status = RowStatus.DUPLICATE
            else:
                for key in result.keys:
                    first_rows.setdefault(key, result.row)
        yield result


def preview(
    rows: Iterable[SourceRow],
    *,
    actor: User,
    to_pool: bool,
    default_source: str = "",
    now: datetime | None = None,
) -> list[RowResult]:
    """Every row's result (new / duplicate of whom / invalid and why). Writes nothing."""
    return list(
        check_rows(rows, actor=actor, to_pool=to_pool, default_source=default_source, now=now)
    )


def _earlier_row(keys, first_rows) -> dict | None:
    """The earlier new row of the file sharing a key (the name first, as find_duplicate)."""
    matches = [
        (kind != IdentityKey.Kind.NAME, first_rows[(kind, value)], kind)
        for kind, value in keys
        if (kind, value) in first_rows
    ]
    if not matches:
        return None
    _not_name, row, kind = min(matches)
    return {"row": row, "kind": kind}


def _on_file(keys, on_file: dict[tuple[str, str], IdentityKey]) -> dict | None:
    """The customer on file sharing a key, by the rule of customer_services.find_duplicate."""
    found = customer_services.pick_duplicate(on_file[key] for key in keys if key in on_file)
    if found is None:
        return None
    customer, kind = found
    return {
        "customer_id": customer.pk,
        "name": customer.name,
        "owner": str(customer.owner) if customer.owner_id else "",
        "entered_at": customer.entered_at.isoformat(),
        "kind": kind,
    }


def _parse(source_row: SourceRow, *, default_source: str, today: date) -> RowResult:
    values = source_row.values
    text = {column: _text(values.get(column)) for column in COLUMNS if column != "collected_on"}
    result = RowResult(row=source_row.number, status=RowStatus.NEW, name=text["name"])

    def problem(code, **params):
        result.problems.append({"code": code, "params": params})

    if not identity.normalize_company_name(text["name"]):
        problem("missing_name")
    for column, value in text.items():
        max_length = _model_field(column).max_length
        if column not in ("credit_code", "source") and max_length and len(value) > max_length:
            problem("too_long", column=column, max=max_length)
    if text["credit_code"]:
        code = identity.normalize_credit_code(text["credit_code"])
        if identity.is_valid_credit_code(code):
            text["credit_code"] = code
        else:
            problem("credit_code", value=text["credit_code"])
    if text["source"]:
        source = parse_source(text["source"])
        if source is None:
            problem("unknown_source", value=text["source"])
    else:
        source = default_source or None
        if source is None:
            problem("missing_source")
    raw_date = values.get("collected_on")
    collected_on = today
    if _text(raw_date):
        collected_on = parse_date(raw_date)
        if collected_on is None:
            problem("bad_date", value=_text(raw_date))
        elif collected_on > today:
            problem("future_date", value=collected_on.isoformat())
    contact = {field: text[column] for column, field in CONTACT_PERSON_FIELDS.items()}
    if contact["email"]:
        try:
            validate_email(contact["email"])
        except ValidationError:
            problem("bad_email", value=contact["email"])
    if (contact["phone"] or contact["email"] or contact["title"]) and not contact["name"]:
        problem("contact_without_name")

    if result.problems:
        result.status = RowStatus.INVALID
        return result
    result.data = {
        column: text[column] for column in customer_services.CUSTOMER_FIELDS if column in text
    }
    result.data.update(source=source, collected_on=collected_on)
    if contact["name"]:
        result.contact_people = [customer_services.ContactPersonData(**contact)]
    result.keys = customer_services.keys_for_new(result.data, result.contact_people)
    return result


def totals(results: Iterable[RowResult | dict]) -> dict[str, int]:
    counts = Counter(r["status"] if isinstance(r, dict) else r.status for r in results)
    return {status: counts.get(status, 0) for status in RowStatus.labels}
