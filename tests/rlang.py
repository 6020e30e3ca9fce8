"""Run R (the field's reference for survival and survey statistics) from a test.

`make test` installs Debian's R with `survival` and `survey` (`make rlang`) and sets CXLIB_REQUIRE_R=1, so
there a missing R fails the test; run by hand without R, the reference tests skip with a reason.

    from rlang import run_r
    out = run_r('''
        library(survival)
        fit <- survfit(Surv(time, status) ~ 1, data = d, weights = w)
        result <- data.frame(time = fit$time, surv = fit$surv, se = fit$std.err)
    ''', d=frame)
    # out is a DataFrame read from R's `result` (written with full precision)

Every keyword argument is a DataFrame written to CSV and read into R under its name; the script must
assign a data.frame (or a named numeric vector / list of scalars) to ``result``.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import textwrap
from pathlib import Path

import pandas as pd
import pytest

_FOOTER = """
if (is.list(result) && !is.data.frame(result)) result <- as.data.frame(result)
if (!is.data.frame(result)) result <- data.frame(name = names(result), value = unname(result))
write.csv(format(result, digits = 17), file.path(Sys.getenv("CX_R_DIR"), "result.csv"), row.names = FALSE)
"""


@functools.lru_cache(maxsize=None)
def r_available(packages: tuple[str, ...] = ("survival", "survey")) -> bool:
    """Whether Rscript and ``packages`` are installed (asked once per process)."""
    if shutil.which("Rscript") is None:
        return False
    check = "quit(status = !all(sapply(c({}), requireNamespace, quietly = TRUE)))".format(
        ", ".join(f'"{p}"' for p in packages))
    return subprocess.run(["Rscript", "-e", check], capture_output=True).returncode == 0


def require_r(packages: tuple[str, ...] = ("survival", "survey")) -> None:
    """Skip (or, under `make test`, fail) when R or its packages are missing."""
    if r_available(packages):
        return
    why = f"R with {', '.join(packages)} is not installed (make rlang installs it from Debian)"
    if os.environ.get("CXLIB_REQUIRE_R"):
        pytest.fail(why)
    pytest.skip(why)


def run_r(script: str, *, packages: tuple[str, ...] = ("survival", "survey"), timeout: float = 120,
          **frames: pd.DataFrame) -> pd.DataFrame:
    """Run ``script`` in Rscript with ``frames`` loaded as data.frames; return its ``result`` as a DataFrame."""
    require_r(packages)
    with tempfile.TemporaryDirectory(prefix="cx-r-") as tmp:
        d = Path(tmp)
        loads = []
        for name, frame in frames.items():
            frame.to_csv(d / f"{name}.csv", index=False, float_format="%.17g")
            loads.append(f'{name} <- read.csv(file.path(Sys.getenv("CX_R_DIR"), "{name}.csv"), '
                         'stringsAsFactors = FALSE, check.names = FALSE)')
        body = "\n".join(loads) + "\n" + textwrap.dedent(script) + _FOOTER
        (d / "script.R").write_text(body, encoding="utf-8")
        proc = subprocess.run(["Rscript", "--vanilla", str(d / "script.R")], capture_output=True, text=True,
                              timeout=timeout, env={**os.environ, "CX_R_DIR": str(d), "OMP_NUM_THREADS": "1"})
        if proc.returncode != 0:
            raise AssertionError(f"R failed:\n{proc.stderr[-3000:]}")
        return pd.read_csv(d / "result.csv")
