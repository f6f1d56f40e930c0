"""Indexes the reports read by (the moment each figure is counted on) on the other apps'
tables. Partial (only rows that have the moment), created here so the owning apps' models
stay as they are; makemigrations does not know them and leaves them alone."""

from django.db import migrations

INDEXES = [
    ("reports_customer_first_contact_at", "customers_customer", "first_contact_at"),
    ("reports_visitslip_departed_at", "visits_visitslip", "departed_at"),
    ("reports_visitlog_written_at", "visits_visitlog", "written_at"),
    ("reports_plan_submitted_at", "contracts_plan", "submitted_to_customer_at"),
    ("reports_planversion_outcome_at", "contracts_planversion", "outcome_at"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_daily_figures"),
        ("customers", "__first__"),
        ("visits", "__first__"),
        ("contracts", "__first__"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column}) "
            f"WHERE {column} IS NOT NULL",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, column in INDEXES
    ]
