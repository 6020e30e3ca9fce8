"""Validation of engagement inputs (placeholder until the loader lands in this issue)."""


class DataError(ValueError):
    """Bad input data: the message names the file, the column and the first bad rows."""
