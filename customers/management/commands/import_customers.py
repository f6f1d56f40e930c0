"""Import a lead list from the command line (large files too), or write the template.

    manage.py import_customers FILE --as USERNAME [--pool [--team-pool]] [--source CHANNEL]
        [--dry-run]
    manage.py import_customers --template OUT.xlsx|OUT.csv

One line per row (row number, status, company, why), then the totals. The same checks
and the same all-or-nothing confirmation as the web import, without its row limit; the
import is kept like one from the web. Exits non-zero when nothing could be imported.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from customers import imports
from customers.models import CustomerImport, SourceChannel
from salescrm.errors import DomainError
from salescrm.models import User


class Command(BaseCommand):
    help = "Import customers from a CSV or XLSX lead list, or write the import template."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the lead list (.csv or .xlsx)")
        parser.add_argument(
            "--as", dest="username", metavar="USERNAME", help="the salesperson or manager"
        )
        parser.add_argument(
            "--pool", action="store_true", help="into the unowned pool (managers only)"
        )
        parser.add_argument(
            "--team-pool",
            action="store_true",
            help="with --pool: into the pool of the manager's own team, not the company's",
        )
        parser.add_argument(
            "--source",
            default="",
            metavar="CHANNEL",
            help="source channel of rows without one (code, label or Chinese name); "
            "default for --pool: marketing_event",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report only; write nothing"
        )
        parser.add_argument(
            "--template",
            metavar="OUT.xlsx|OUT.csv",
            help="write an empty template with the headers the import reads, and stop",
        )

    def handle(self, *args, **options):
        if options["template"]:
            return self._write_template(Path(options["template"]))
        if not options["file"] or not options["username"]:
            raise CommandError(_("Give the FILE to import and --as USERNAME (or --template OUT)."))
        actor = self._user(options["username"])
        source = self._source(options["source"])
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from None
        try:
            if options["dry_run"]:
                self._dry_run(content, path.name, actor, options["pool"], source)
            else:
                self._import(
                    content, path.name, actor, options["pool"], source, options["team_pool"]
                )
        except DomainError as error:
            raise CommandError(str(error)) from None

    def _dry_run(self, content, name, actor, to_pool, source):
        table = imports.read_table(content, name)
        self._columns(table)
        results = []
        for result in imports.check_rows(
            table.rows, actor=actor, to_pool=to_pool, default_source=source
        ):
            self._row(result)
            results.append(result.status)
        self._totals(imports.totals({"status": status} for status in results))
        self.stdout.write(_("Dry run: nothing was written."))

    def _import(self, content, name, actor, to_pool, source, team_pool=False):
        customer_import = imports.import_upload(
            actor=actor,
            file_name=name,
            content=content,
            to_pool=to_pool,
            team_pool=team_pool,
            default_source=source,
            max_bytes=None,
            max_rows=None,
            on_row=self._row,
        )
        self._totals(imports.totals(customer_import.report["rows"]))
        customer_import = imports.import_confirm(customer_import=customer_import, actor=actor)
        if customer_import.status != CustomerImport.Status.IMPORTED:
            raise CommandError(imports.failure_message(customer_import))
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(count)d customer imported (import #%(id)d).",
                    "%(count)d customers imported (import #%(id)d).",
                    customer_import.imported_count,
                )
                % {"count": customer_import.imported_count, "id": customer_import.pk}
            )
        )

    def _columns(self, table):
        if table.ignored:
            self.stdout.write(
                _("Columns not read: %(columns)s") % {"columns": ", ".join(table.ignored)}
            )

    def _row(self, result):
        label = str(imports.RowStatus.labels[result.status])
        line = f"{result.row:>6}  {label:<10}  {result.name or '-'}"
        if result.message:
            line += f"  {result.message}"
        self.stdout.write(line)

    def _totals(self, counts):
        self.stdout.write(
            _("New: %(new)d, duplicate: %(duplicate)d, invalid: %(invalid)d") % counts
        )

    def _user(self, username):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(_("No active user %(username)s.") % {"username": username}) from None
        return user

    def _source(self, value):
        if not value:
            return ""
        source = imports.parse_source(value)
        if source is None:
            raise CommandError(
                _("Unknown source channel %(value)s. Use one of: %(codes)s")
                % {"value": value, "codes": ", ".join(SourceChannel.values)}
            )
        return source

    def _write_template(self, out: Path):
        extension = out.suffix.lower().lstrip(".")
        if extension not in imports.FORMATS:
            raise CommandError(_("The template is written as .xlsx or .csv."))
        try:
            out.write_bytes(imports.template_file(extension))
        except OSError as error:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": out, "error": error.strerror}
            ) from None
        self.stdout.write(_("Template written to %(file)s.") % {"file": out})
