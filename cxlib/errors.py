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
        The first bad rows, at most five, as a spreadsheet numbers them (the header is row 1, so the
        first record of a CSV is row 2; of a Qualtrics export, with its three header rows, row 4).
    count : int
        How many values or rows are bad (0 when the problem is not about rows).
    problems : tuple of DataError
        Every problem found, when validation found several (:meth:`combine`); ``(self,)`` for one.

    Examples
    --------
    >>> err = DataError("survey.csv: column 'x': bad", file="survey.csv", column="x", rows=[3], count=1)
    >>> isinstance(err, ValueError), err.file, err.rows, len(err.problems)
    (True, 'survey.csv', [3], 1)
    """

    def __init__(self, message: str, *, file: str | None = None, column: str | None = None,
                 rows: Iterable[int] = (), count: int = 0, problems: Iterable[DataError] = ()):
        super().__init__(message)
        self.file, self.column, self.rows, self.count = file, column, list(rows), int(count)
        self.problems: tuple[DataError, ...] = tuple(problems) or (self,)

    @classmethod
    def combine(cls, errors: Iterable[DataError]) -> DataError:
        """One error for several problems: the message lists every one (a single problem is returned as is).

        Examples
        --------
        >>> a = DataError("survey.csv: column 'x': bad", file="survey.csv", column="x")
        >>> b = DataError("customers.csv: column 'y': worse", file="customers.csv", column="y")
        >>> print(DataError.combine([a, b]))
        2 problems:
          1. survey.csv: column 'x': bad
          2. customers.csv: column 'y': worse
        >>> DataError.combine([a]) is a
        True
        """
        flat = [p for e in errors for p in e.problems]
        if len(flat) == 1:
            return flat[0]
        if not flat:
            raise ValueError("DataError.combine needs at least one error")
        lines = [f"{len(flat)} problems:"] + [f"  {i}. {p}" for i, p in enumerate(flat, 1)]
        first = flat[0]
        return cls("\n".join(lines), file=first.file, column=first.column, rows=first.rows, count=first.count,
                   problems=flat)

    def __reduce__(self):  # keep the attributes across processes (batch runs in workers)
        return (_rebuild, (str(self), self.file, self.column, self.rows, self.count,
                           self.problems if len(self.problems) > 1 else ()))


def _rebuild(message: str, file: str | None, column: str | None, rows: list[int], count: int,
             problems: tuple = ()) -> DataError:
    return DataError(message, file=file, column=column, rows=rows, count=count, problems=problems)


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
