"""Receipts (and invoices) of an agreement never add up to more than its agreed total:
checked by the database at commit, behind the services' check under the agreement's lock."""

from django.db import migrations

SQL = """
CREATE FUNCTION receivables_check_within_total() RETURNS trigger AS $$
DECLARE
    agreed numeric;
    recorded numeric;
BEGIN
    SELECT total INTO agreed FROM contracts_agreement WHERE id = NEW.agreement_id;
    EXECUTE format('SELECT COALESCE(SUM(amount), 0) FROM %I WHERE agreement_id = $1',
                   TG_TABLE_NAME)
        INTO recorded USING NEW.agreement_id;
    IF recorded > agreed THEN
        RAISE EXCEPTION '% of agreement % add up to %, more than its total %',
            TG_TABLE_NAME, NEW.agreement_id, recorded, agreed USING ERRCODE = '23514';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER receivables_receipt_within_total
    AFTER INSERT OR UPDATE OF amount, agreement_id ON receivables_receipt
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION receivables_check_within_total();

CREATE CONSTRAINT TRIGGER receivables_invoice_within_total
    AFTER INSERT OR UPDATE OF amount, agreement_id ON receivables_invoice
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION receivables_check_within_total();
"""

REVERSE = """
DROP TRIGGER IF EXISTS receivables_invoice_within_total ON receivables_invoice;
DROP TRIGGER IF EXISTS receivables_receipt_within_total ON receivables_receipt;
DROP FUNCTION IF EXISTS receivables_check_within_total();
"""


class Migration(migrations.Migration):
    dependencies = [("receivables", "0003_invoices"), ("contracts", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
