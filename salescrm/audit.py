"""Append-only tables: the database itself refuses UPDATE and DELETE of their rows.

Every history table (simple-history's Historical*), the class changes, assignments and
the customer's thread are written once and then only read; a finished job run is kept as
it finished. A trigger on each refuses the change whoever sends it (the app, the admin,
a shell), as the signatures' own trigger does (contracts 0002). TRUNCATE fires no row
trigger, so the test database is still emptied between tests.

Each app's migration calls `append_only(*tables)` for its tables; the function they call
is created once by salescrm 0014. A new history table needs its own migration line: a
test lists every history table and fails when one lacks the trigger.
"""

from contextlib import contextmanager

from django.db import connection, migrations

FUNCTION = "salescrm_append_only"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% of a row of % refused: the table is append-only', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""

DROP_FUNCTION = f"DROP FUNCTION {FUNCTION}();"

# A job run is written when it starts and once when it finishes; then it is kept as is.
CREATE_JOB_RUN_FUNCTION = """
CREATE OR REPLACE FUNCTION salescrm_jobrun_kept() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR OLD.finished_at IS NOT NULL THEN
        RAISE EXCEPTION '% of a finished job run refused: job runs are kept', TG_OP;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER salescrm_jobrun_kept
    BEFORE UPDATE OR DELETE ON salescrm_jobrun
    FOR EACH ROW EXECUTE FUNCTION salescrm_jobrun_kept();
"""

DROP_JOB_RUN_FUNCTION = """
DROP TRIGGER salescrm_jobrun_kept ON salescrm_jobrun;
DROP FUNCTION salescrm_jobrun_kept();
"""


def trigger_name(table: str) -> str:
    return f"{table}_append_only"


def append_only(*tables: str) -> migrations.RunSQL:
    """A migration operation: each table refuses UPDATE and DELETE from now on."""
    return migrations.RunSQL(
        [
            f"CREATE TRIGGER {trigger_name(table)} BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();"
            for table in tables
        ],
        [f"DROP TRIGGER {trigger_name(table)} ON {table};" for table in tables],
    )


@contextmanager
def suspended():
    """Inside an atomic block: the append-only triggers are off until the block ends.

    Only for clearing scratch data in a throwaway database (`bench_deadlines`): it needs
    the tables' owner, and the triggers are back on when it ends (or rolled back with it).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("suspend the append-only triggers only inside transaction.atomic()")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE p.proname = %s",
            [FUNCTION],
        )
        triggers = cursor.fetchall()
        # ALTER TABLE waits for no deferred foreign-key check: run the pending ones now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, trigger in triggers:
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')
    yield  # an error rolls the transaction back, and the triggers' DISABLE with it
    if connection.needs_rollback:
        return
    with connection.cursor() as cursor:
        for table, trigger in triggers:
            cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys: as before
