"""Reading engagement files: CSV (any common encoding and delimiter), Qualtrics exports, Parquet, SPSS.

Every reader returns a ``Table``: the data as read (strings for text files, so ids keep their leading
zeros and the schema decides what is numeric), plus any column labels and value labels the file carried.
Unreadable or empty files raise ``DataError`` naming the file.
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

SUPPORTED = (".csv", ".txt", ".parquet", ".pq", ".sav")


@dataclass(frozen=True)
class Table:
    """A file's contents: ``frame``; ``column_labels`` (question text); ``value_labels``
    (``{column: {code: label}}``); ``format`` (``csv``, ``qualtrics``, ``parquet``, ``spss``); ``decimal``
    (the decimal mark of a text file)."""

    frame: pd.DataFrame
    column_labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict] = field(default_factory=dict)
    format: str = "csv"
    decimal: str = "."


def _decode(raw: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DataError(f"{name}: cannot decode the file (tried UTF-8, Windows-1252 and Latin-1)", file=name)


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    # Count delimiters outside quotes in the header line.
    counts = {d: sum(len(row) - 1 for row in csv.reader([first], delimiter=d)) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if max(counts.values()) > 0 else ","


def _is_import_id_row(values: list[str]) -> bool:
    cells = [v for v in values if isinstance(v, str) and v.strip()]
    if not cells:
        return False
    hits = 0
    for v in cells:
        try:
            hits += isinstance(json.loads(v), dict) and "ImportId" in json.loads(v)
        except (ValueError, TypeError):
            pass
    return hits >= max(1, int(0.8 * len(cells)))


def _read_text(path: Path) -> Table:
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(f"{path.name}: the file is empty", file=path.name)
    text = _decode(raw, path.name)
    delim = _delimiter(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delim, dtype=str, keep_default_na=False, na_values=[""],
                            skipinitialspace=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{path.name}: cannot parse as delimited text ({str(exc).splitlines()[0]})", file=path.name)
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()].tolist()
        raise DataError(f"{path.name}: duplicated column names {dup}", file=path.name, column=str(dup[0]))
    labels: dict[str, str] = {}
    fmt = "csv"
    if len(frame) >= 2 and _is_import_id_row(frame.iloc[1].tolist()):
        # Qualtrics export: row 2 is the question text, row 3 the ImportId JSON.
        labels = {c: str(v) for c, v in frame.iloc[0].items() if isinstance(v, str)}
        frame = frame.iloc[2:].reset_index(drop=True)
        fmt = "qualtrics"
    return Table(frame, column_labels=labels, format=fmt, decimal="," if delim == ";" else ".")


def _read_parquet(path: Path) -> Table:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for a corrupt file
        raise DataError(f"{path.name}: cannot read as Parquet ({type(exc).__name__}: {str(exc).splitlines()[0]})",
                        file=path.name)
    return Table(frame.reset_index(drop=True), format="parquet")


def _read_spss(path: Path) -> Table:
    import pyreadstat

    try:
        frame, meta = pyreadstat.read_sav(str(path), apply_value_formats=False)
    except Exception as exc:  # pyreadstat.ReadstatError and OSError
        raise DataError(f"{path.name}: cannot read as SPSS .sav ({str(exc).splitlines()[0]})", file=path.name)
    labels = {c: l for c, l in zip(meta.column_names, meta.column_labels) if l}
    value_labels = {col: meta.value_labels[name] for col, name in meta.variable_to_label.items()
                    if name in meta.value_labels}
    return Table(frame, column_labels=labels, value_labels=value_labels, format="spss")


def read_table(path: str | Path) -> Table:
    """Read one engagement file, choosing the reader by its extension.

    Parameters
    ----------
    path : path-like
        A ``.csv``/``.txt`` (UTF-8, UTF-8 with BOM or Latin-1; comma, semicolon or tab delimited, decimal
        commas with semicolons; Qualtrics' three header rows detected), ``.parquet`` or ``.sav`` file.

    Returns
    -------
    Table

    Raises
    ------
    DataError
        The file is missing, empty, unreadable or of an unsupported type.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path.name}: file not found ({path})", file=path.name)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        table = _read_text(path)
    elif suffix in (".parquet", ".pq"):
        table = _read_parquet(path)
    elif suffix == ".sav":
        table = _read_spss(path)
    else:
        raise DataError(f"{path.name}: unsupported file type {suffix!r} (use one of {', '.join(SUPPORTED)})",
                        file=path.name)
    if table.frame.shape[1] == 0:
        raise DataError(f"{path.name}: the file has no columns", file=path.name)
    return table
