"""Lead lists from trade shows and marketing events: read, check, preview, confirm.

Reading: CSV (UTF-8 with or without a byte-order mark, UTF-16, else GB18030, the
superset of the GBK that Chinese Excel writes) and XLSX (the first sheet). Headers may
be the field names, the English labels or the Chinese ones (COLUMNS).

Checking: every row is new, a duplicate (of a customer on file, or of an earlier new row
of the same file: the first row wins) or invalid (with its reasons), by the identity keys
the services use. Checking writes nothing.

Confirming: one transaction locks the import, re-reads the stored file, re-checks every
row and creates the new ones through services.customer_create. If any row is no longer
what the preview said, or any create is refused, nothing is written and the import is
marked failed, naming the row, with a fresh preview to confirm again.

The modules: `columns` (the column tables and aliases), `reading` (decoding files,
reading rows, parsing dates), `checking` (each row's result), `services` (upload,
request, confirm, abandon: every write) and `template` (the empty lead list). The pages
read an import through customers.access.import_for_user and customers.selectors
(recent_imports, report_rows). Callers use the names below: `imports.import_upload(...)`.
"""

from customers.imports.checking import (
    PROBLEMS,
    RowResult,
    RowStatus,
    check_importer,
    check_rows,
    default_source_for,
    default_source_label,
    describe,
    preview,
    totals,
)
from customers.imports.columns import (
    COLUMNS,
    CONTACT_PERSON_FIELDS,
    SOURCE_CHANNEL_CHINESE,
    column_label,
    header_aliases,
    parse_source,
    source_aliases,
)
from customers.imports.reading import (
    FORMATS,
    HEADER_SEARCH_ROWS,
    ImportFileError,
    SourceRow,
    Table,
    decode_csv,
    parse_date,
    read_table,
)
from customers.imports.services import (
    CONFIRMABLE,
    MAX_UPLOAD_BYTES,
    MAX_WEB_ROWS,
    STALE_AFTER,
    can_confirm,
    failure_message,
    import_abandon,
    import_check,
    import_confirm,
    import_receive,
    import_request,
    import_upload,
    is_checking,
)
from customers.imports.template import template_file

__all__ = [
    "COLUMNS",
    "CONFIRMABLE",
    "CONTACT_PERSON_FIELDS",
    "FORMATS",
    "HEADER_SEARCH_ROWS",
    "MAX_UPLOAD_BYTES",
    "MAX_WEB_ROWS",
    "PROBLEMS",
    "SOURCE_CHANNEL_CHINESE",
    "STALE_AFTER",
    "ImportFileError",
    "RowResult",
    "RowStatus",
    "SourceRow",
    "Table",
    "can_confirm",
    "check_importer",
    "check_rows",
    "column_label",
    "decode_csv",
    "default_source_for",
    "default_source_label",
    "describe",
    "failure_message",
    "header_aliases",
    "import_abandon",
    "import_check",
    "import_confirm",
    "import_receive",
    "import_request",
    "import_upload",
    "is_checking",
    "parse_date",
    "parse_source",
    "preview",
    "read_table",
    "source_aliases",
    "template_file",
    "totals",
]
