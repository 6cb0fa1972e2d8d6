"""Checks: small functions named after the property they verify. They raise CheckFailed subclasses."""
