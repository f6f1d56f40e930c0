"""Small helpers shared by the customer view tests (not a test module itself)."""

from customers import identity


def credit_code(first17: str) -> str:
    """A valid unified social credit code from its first 17 characters."""
    return first17 + identity.credit_code_check_char(first17)
