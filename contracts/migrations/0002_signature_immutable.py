"""Signatures are never changed or removed: the database refuses UPDATE and DELETE."""

from django.db import migrations

SQL = """
CREATE FUNCTION contracts_signature_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'a signature is never changed or removed';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER contracts_signature_immutable
    BEFORE UPDATE OR DELETE ON contracts_signature
    FOR EACH ROW EXECUTE FUNCTION contracts_signature_immutable();
"""

REVERSE = """
DROP TRIGGER contracts_signature_immutable ON contracts_signature;
DROP FUNCTION contracts_signature_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("contracts", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
