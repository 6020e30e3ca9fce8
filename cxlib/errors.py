"""The domain exceptions, in a module light enough for the command line to import at once."""
from __future__ import annotations

from collections.abc import Iterable

__all__ = ["DataError", "ArgumentError"]


class DataError(ValueError):
    """Bad input data. The message names the file, the column and the first bad rows.

    Attributes
    ----------
    file : str or None
        The file at fault, as named in ``engagement.yaml`` (e.g. ``survey.csv``).
    column : str or None
        The column (or, for ``engagement.yaml``, the key) at fault.
    rows : list of int
        The first bad rows, at most five, as data rows counted from 1 (the first record after the
        header is row 1; see the module docstring).
    count : int
        How many values or rows are bad (0 when the problem is not about rows).

    Examples
    --------
    >>> err = DataError("survey.csv: column 'x': bad", file="survey.csv", column="x", rows=[3], count=1)
    >>> isinstance(err, ValueError), err.file, err.rows
    (True, 'survey.csv', [3])
    """

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None,
                 rows: Iterable[int] = (), count: int = 0):
        super().__init__(message)
        self.file, self.column, self.rows, self.count = file, column, list(rows), int(count)

    def __reduce__(self):  # keep the attributes across processes (batch runs in workers)
        return (_rebuild, (str(self), self.file, self.column, self.rows, self.count))


def _rebuild(message: str, file: str | None, column: str | None, rows: list[int], count: int) -> DataError:
    return DataError(message, file=file, column=column, rows=rows, count=count)


class ArgumentError(ValueError):
    """A public function was called with an argument it cannot use. The message names the function, the
    argument and what is wrong, with close matches for a misspelt name.

    Attributes
    ----------
    function : str
        The function called (e.g. ``survival.km``).
    argument : str
        The argument at fault (e.g. ``duration``).

    Examples
    --------
    >>> err = ArgumentError("survival.km: duration 'tenure' is not a column; did you mean 'tenure_days'?",
    ...                     function="survival.km", argument="duration")
    >>> isinstance(err, ValueError), err.argument
    (True, 'duration')
    """

    def __init__(self, message: str, *, function: str = "", argument: str = ""):
        super().__init__(message)
        self.function, self.argument = function, argument

    def __reduce__(self):
        return (_rebuild_argument_error, (str(self), self.function, self.argument))


def _rebuild_argument_error(message: str, function: str, argument: str) -> ArgumentError:
    return ArgumentError(message, function=function, argument=argument)
