"""Free text with a bound: what people type is kept, within reason, by the form and the database.

`BoundedTextField` is a TextField with a maximum length (TEXT_MAX characters unless
given). The form shows and checks the limit (maxlength, "at most N characters"), and the
model gets a CHECK constraint on the column's length, so no path — a form, an import,
the shell, a script — stores a 2 MB comment that every later page would carry.
"""

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

TEXT_MAX = 5000


class BoundedTextField(models.TextField):
    def __init__(self, *args, max_length: int = TEXT_MAX, **kwargs) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == TEXT_MAX:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        if cls._meta.abstract:
            return
        bound = models.CheckConstraint(
            condition=LessThanOrEqual(Length(name), self.max_length),
            name=f"{cls._meta.db_table}_{name}_max"[-63:],
            violation_error_message=f"{name}: at most {self.max_length} characters",
        )
        cls._meta.constraints = [*cls._meta.constraints, bound]
        # Migrations read a model's constraints only when its Meta declares some.
        cls._meta.original_attrs["constraints"] = cls._meta.constraints
