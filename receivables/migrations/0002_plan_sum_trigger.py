"""The instalments of a collection plan add up to its total: checked by the database at
commit (a deferred constraint trigger), so the service and the database agree."""

from django.db import migrations

SQL = """
CREATE FUNCTION receivables_check_plan_sum() RETURNS trigger AS $$
DECLARE
    plan_ids bigint[];
    bad record;
BEGIN
    IF TG_TABLE_NAME = 'receivables_collectionplan' THEN
        plan_ids := ARRAY[NEW.id];
    ELSIF TG_OP = 'DELETE' THEN
        plan_ids := ARRAY[OLD.plan_id];
    ELSIF TG_OP = 'UPDATE' THEN
        plan_ids := ARRAY[OLD.plan_id, NEW.plan_id];
    ELSE
        plan_ids := ARRAY[NEW.plan_id];
    END IF;
    FOR bad IN
        SELECT p.id, p.total, COALESCE(SUM(i.amount), 0) AS planned
        FROM receivables_collectionplan p
        LEFT JOIN receivables_instalment i ON i.plan_id = p.id
        WHERE p.id = ANY(plan_ids)
        GROUP BY p.id, p.total
        HAVING COALESCE(SUM(i.amount), 0) <> p.total
    LOOP
        RAISE EXCEPTION 'collection plan % instalments add up to %, not %',
            bad.id, bad.planned, bad.total USING ERRCODE = '23514';
    END LOOP;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER receivables_instalment_sum
    AFTER INSERT OR UPDATE OR DELETE ON receivables_instalment
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION receivables_check_plan_sum();

CREATE CONSTRAINT TRIGGER receivables_plan_sum
    AFTER INSERT OR UPDATE OF total ON receivables_collectionplan
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION receivables_check_plan_sum();
"""

REVERSE = """
DROP TRIGGER IF EXISTS receivables_plan_sum ON receivables_collectionplan;
DROP TRIGGER IF EXISTS receivables_instalment_sum ON receivables_instalment;
DROP FUNCTION IF EXISTS receivables_check_plan_sum();
"""


class Migration(migrations.Migration):
    dependencies = [("receivables", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
