"""Reading engagement files: CSV (common encodings and delimiters), Qualtrics exports, Parquet, SPSS.

``read_table(path)`` returns a ``Table``: the data as stored, plus the column labels (question text) and
value labels the file carried. Text files are read **as text, every column**: ids keep their leading
zeros and the schema (``cxlib.schema``) decides which columns are numbers, so one engagement stored as
CSV, Parquet, SPSS or a Qualtrics export validates to equal frames.

Text files
    Encoding: UTF-8 (with or without a byte-order mark), else Windows-1252, else Latin-1. Delimiter:
    comma, semicolon or tab, whichever the header line uses most (outside quotes). A semicolon-delimited
    file is taken to use decimal commas (European spreadsheet exports); ``Table.decimal`` says so and the
    schema converts ``3,5`` to 3.5 in numeric columns only, so text answers keep their commas. Blank
    cells are missing; nothing else is (``NA`` in an id or a comment stays text). Columns with an empty
    header and no values (trailing delimiters) and trailing blank rows are dropped.
Qualtrics
    A CSV whose third line holds ``{"ImportId": ...}`` cells is a Qualtrics export: line 1 is the column
    names, line 2 the question text (-> ``column_labels``), line 3 is dropped. Every column is kept.
Parquet
    Read with pyarrow, columns as typed in the file.
SPSS ``.sav``
    Read with pyreadstat: variable labels -> ``column_labels``, value labels -> ``value_labels``
    (``{column: {code: label}}``); codes are kept, not replaced by labels.

Unreadable, empty or unsupported files raise ``DataError`` naming the file.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .schema import DataError

__all__ = ["Table", "read_table", "SUPPORTED"]

SUPPORTED = (".csv", ".txt", ".tsv", ".parquet", ".pq", ".sav")
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


@dataclass(frozen=True)
class Table:
    """The contents of one file.

    Attributes
    ----------
    frame : DataFrame
        The data rows (header rows removed), with a fresh RangeIndex: position *k* is data row *k + 1*.
    column_labels : dict
        ``{column: question text}`` from a Qualtrics header or SPSS variable labels.
    value_labels : dict
        ``{column: {code: label}}`` from SPSS.
    format : str
        ``"csv"``, ``"qualtrics"``, ``"parquet"`` or ``"spss"``.
    decimal : str
        The decimal mark of a text file's numbers (``","`` in semicolon-delimited files).
    encoding, delimiter : str or None
        What a text file was read with.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "customers.csv"
    >>> _ = p.write_text("customer_id;spend" + chr(10) + "007;12,5" + chr(10), encoding="utf-8")
    >>> t = read_table(p)
    >>> t.format, t.delimiter, t.decimal, t.frame.to_dict("list")
    ('csv', ';', ',', {'customer_id': ['007'], 'spend': ['12,5']})
    """

    frame: pd.DataFrame
    column_labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict] = field(default_factory=dict)
    format: str = "csv"
    decimal: str = "."
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def first_row(self) -> int:
        """The spreadsheet row number of the first data row: 2 in a CSV (after its header), 4 in a Qualtrics
        export (three header rows), 1 in SPSS and Parquet files (their records are numbered from 1)."""
        return {"csv": 2, "qualtrics": 4}.get(self.format, 1)

    def question_labels(self) -> dict[str, str]:
        """Question text per column; for SPSS columns with value labels but no variable label, the codes.

        Examples
        --------
        >>> Table(pd.DataFrame({"q1": [1]}), value_labels={"q1": {1.0: "Yes", 0.0: "No"}}).question_labels()
        {'q1': '1=Yes; 0=No'}
        """
        labels = dict(self.column_labels)
        for col, codes in self.value_labels.items():
            if col not in labels and codes:
                labels[col] = "; ".join(f"{k:g}={v}" if isinstance(k, (int, float)) else f"{k}={v}"
                                        for k, v in codes.items())
        return labels


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    if b"\x00" in raw[:8192]:
        # UTF-16 exports and binary files (an Excel workbook renamed .csv) both contain NUL bytes.
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                return raw.decode("utf-16"), "utf-16"
            except UnicodeDecodeError:
                pass
        raise DataError(f"{name}: not a text file (binary content; save it as CSV, UTF-8)", file=name)
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise DataError(f"{name}: cannot decode the text (tried {', '.join(ENCODINGS)})", file=name)  # pragma: no cover


def _delimiter(text: str) -> str:
    """The delimiter the header line uses most, counted outside quotes (comma when there is one column)."""
    first = next(iter(text.splitlines()), "")
    counts = {d: sum(len(row) - 1 for row in csv.reader([first], delimiter=d)) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _is_import_id_row(values: list[object]) -> bool:
    """True when (almost) every non-blank cell is JSON like ``{"ImportId": "QID12"}``."""
    cells = [v for v in values if isinstance(v, str) and v.strip()]
    if not cells:
        return False
    hits = 0
    for v in cells:
        try:
            parsed = json.loads(v)
        except ValueError:
            continue
        hits += isinstance(parsed, dict) and "ImportId" in parsed
    return hits >= max(1, int(0.8 * len(cells)))


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip header names; drop unnamed empty columns and trailing blank rows (spreadsheet debris)."""
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    debris = [c for c in frame.columns if (c == "" or c.startswith("Unnamed: ")) and frame[c].isna().all()]
    frame = frame.drop(columns=debris)
    blank = frame.isna().all(axis=1).to_numpy()
    end = len(frame)
    while end > 0 and blank[end - 1]:
        end -= 1
    return frame.iloc[:end].reset_index(drop=True)


def _read_text(path: Path) -> Table:
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(f"{path.name}: the file is empty", file=path.name)
    text, encoding = _decode(raw, path.name)
    delim = _delimiter(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delim, dtype=str, keep_default_na=False, na_values=[""],
                            skipinitialspace=False, engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{path.name}: cannot parse as delimited text ({str(exc).splitlines()[0]})",
                        file=path.name) from None
    header = [c.strip() for c in next(csv.reader(io.StringIO(text), delimiter=delim), [])]
    dup = sorted({c for c in header if c and header.count(c) > 1})
    if dup:
        raise DataError(f"{path.name}: column {dup[0]!r}: the header repeats column name(s) "
                        f"{', '.join(map(repr, dup))}", file=path.name, column=dup[0])
    labels: dict[str, str] = {}
    fmt = "csv"
    if len(frame) >= 2 and _is_import_id_row(frame.iloc[1].tolist()):
        # Qualtrics export: line 2 is the question text, line 3 the ImportId JSON; data start at line 4.
        labels = {str(c).strip(): str(v).strip() for c, v in frame.iloc[0].items() if isinstance(v, str) and v.strip()}
        frame = frame.iloc[2:]
        fmt = "qualtrics"
    return Table(_tidy(frame), column_labels=labels, format=fmt, decimal="," if delim == ";" else ".",
                 encoding=encoding, delimiter=delim)


def _read_parquet(path: Path) -> Table:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a corrupt file
        raise DataError(f"{path.name}: cannot read as Parquet ({type(exc).__name__}: "
                        f"{(str(exc).splitlines() or [''])[0]})", file=path.name) from None
    return Table(_tidy(frame.reset_index(drop=True)), format="parquet")


def _read_spss(path: Path) -> Table:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat.ReadstatError, PyreadstatError and OSError
        raise DataError(f"{path.name}: cannot read as SPSS .sav ({(str(exc).splitlines() or [''])[0]})",
                        file=path.name) from None
    labels = {c: lab for c, lab in zip(meta.column_names, meta.column_labels) if lab}
    value_labels = {col: dict(meta.value_labels[name]) for col, name in meta.variable_to_label.items()
                    if name in meta.value_labels}
    # SPSS has no missing string: blank text cells come back as "", which means missing here.
    for c in frame.columns:
        if frame[c].dtype == object:
            frame[c] = frame[c].map(lambda v: None if isinstance(v, str) and not v.strip() else v)
    return Table(_tidy(frame), column_labels=labels, value_labels=value_labels, format="spss")


def read_table(path: str | Path) -> Table:
    """Read one engagement file, choosing the reader by its extension.

    Parameters
    ----------
    path : path-like
        A ``.csv``/``.txt``/``.tsv`` (UTF-8, UTF-8 with BOM, Windows-1252 or Latin-1; comma, semicolon or
        tab delimited; Qualtrics' three header lines detected), ``.parquet``/``.pq`` or ``.sav`` file.

    Returns
    -------
    Table
        Text files give every column as text (``str``, blank cells as missing).

    Raises
    ------
    DataError
        The file is missing, empty (no data rows), unreadable or of an unsupported type.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_bytes("id;score\\n007;3,5\\n".encode("utf-8-sig"))
    >>> t = read_table(p)
    >>> t.frame["id"].tolist(), t.frame["score"].tolist(), t.decimal, t.format
    (['007'], ['3,5'], ',', 'csv')
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path.name}: file not found ({path})", file=path.name)
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt", ".tsv"):
            table = _read_text(path)
        elif suffix in (".parquet", ".pq"):
            table = _read_parquet(path)
        elif suffix == ".sav":
            table = _read_spss(path)
        else:
            raise DataError(f"{path.name}: unsupported file type {suffix!r} (use one of {', '.join(SUPPORTED)}; "
                            "save spreadsheets as CSV)", file=path.name)
    except OSError as exc:
        raise DataError(f"{path.name}: cannot read the file ({exc.strerror or exc})", file=path.name) from None
    if table.frame.shape[1] == 0:
        raise DataError(f"{path.name}: the file has no columns", file=path.name)
    if table.frame.empty:
        raise DataError(f"{path.name}: the file has a header but no data rows", file=path.name)
    return table
