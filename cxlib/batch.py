"""Batch runs: every notebook for every engagement, executed with Papermill and published atomically.

``run`` orchestrates; ``run_engagement`` does one engagement: validate its inputs, execute each notebook
into a private staging folder, render HTML, gather ``results.json`` and write ``run.json``, then swap
the staging folder in place of the published report. A failure at any step leaves the previously
published report untouched and writes the error to ``<out>/.logs/<slug>.log``.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from . import render, report
from .engagement import load_engagement
from .schema import DataError

__all__ = ["EngagementRun", "NOTEBOOKS_DIR", "discover_notebooks", "run_engagement", "run"]

#: The project's notebooks (a source checkout; ``cx run --notebooks-dir`` points elsewhere).
NOTEBOOKS_DIR = Path(__file__).resolve().parents[1] / "notebooks"

PROVENANCE_PACKAGES = ("cxlib", "numpy", "pandas", "scipy", "statsmodels", "lifelines", "pingouin",
                       "pandera", "matplotlib", "seaborn", "papermill", "nbconvert", "ipykernel")


@dataclass(frozen=True)
class EngagementRun:
    """What happened to one engagement in a batch."""

    slug: str
    path: str
    status: str  # "ok" | "failed"
    seconds: float
    error: str | None = None
    log: str | None = None
    bad_input: bool = False
    notebooks: list[str] = field(default_factory=list)
    client: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def discover_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR, select: Sequence[str] | None = None) -> list[Path]:
    """Notebooks to run, in report order: the analyses 01, 02, … then the executive summary 00 last.

    ``select`` holds number prefixes such as ``["01", "03"]``.
    """
    found = sorted(p for p in notebooks_dir.glob("[0-9][0-9]_*.ipynb"))
    if select:
        wanted = {s.strip().zfill(2) for s in select if s.strip()}
        unknown = wanted - {p.name[:2] for p in found}
        if unknown:
            raise ValueError(f"no notebook numbered {', '.join(sorted(unknown))} in {notebooks_dir}")
        found = [p for p in found if p.name[:2] in wanted]
    # The executive summary reads the analyses' results, so it runs after them.
    return [p for p in found if not p.name.startswith("00_")] + [p for p in found if p.name.startswith("00_")]


def _kernel_name() -> str:
    """The project's kernel (installed into the venv by `make`), else the environment's python3."""
    from jupyter_client.kernelspec import KernelSpecManager

    return "cxlib" if "cxlib" in KernelSpecManager().find_kernel_specs() else "python3"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in an engagement folder, by relative path."""
    return {str(p.relative_to(folder)): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PROVENANCE_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _publish(staging: Path, target: Path) -> None:
    """Swap ``staging`` in for ``target``: the old report stays whole until the new one is in place."""
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    if target.exists():
        target.rename(old)
    try:
        staging.rename(target)
    except BaseException:
        if old.exists() and not target.exists():
            old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def run_engagement(
    folder: str | Path,
    *,
    out: str | Path = "reports",
    notebooks: Sequence[Path] | None = None,
    seed: int = 0,
    timeout: int = 1800,
) -> EngagementRun:
    """Execute every notebook for one engagement and publish its report atomically.

    Returns an ``EngagementRun``; never raises for a failing engagement (the error is in the result and
    in the log file), so one bad engagement cannot stop a batch.
    """
    import nbformat
    import papermill as pm

    started = time.perf_counter()
    folder = Path(folder).resolve()
    out = Path(out).resolve()
    slug = folder.name
    notebooks = list(notebooks) if notebooks is not None else discover_notebooks()
    logs = out / ".logs"
    log = logs / f"{slug}.log"
    staging = out / f".staging-{slug}-{os.getpid()}"

    def failed(message: str, detail: str, *, bad_input: bool = False) -> EngagementRun:
        logs.mkdir(parents=True, exist_ok=True)
        log.write_text(f"{slug}: {message}\n\n{detail}", encoding="utf-8")
        shutil.rmtree(staging, ignore_errors=True)
        return EngagementRun(slug, str(folder), "failed", time.perf_counter() - started, message, str(log), bad_input)

    try:
        eng = load_engagement(folder)
    except DataError as exc:
        return failed(str(exc), "The engagement's inputs did not validate; nothing was run.", bad_input=True)

    out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    kernel = _kernel_name()
    timings: dict[str, float] = {}
    results: dict[str, Any] = {"client": eng.client}
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    provenance = f"{eng.client} · seed {seed} · cxlib {package_versions()['cxlib']} · run {started_at}"
    for nb_path in notebooks:
        t0 = time.perf_counter()
        executed = staging / nb_path.name
        try:
            pm.execute_notebook(
                str(nb_path), str(executed),
                parameters={"engagement": str(folder), "seed": int(seed), "out": str(out / slug)},
                kernel_name=kernel, progress_bar=False, cwd=str(nb_path.parent),
                execution_timeout=timeout, request_save_on_cell_execute=False,
            )
        except Exception as exc:  # a notebook failure is this engagement's failure, not the batch's
            ename = getattr(exc, "ename", type(exc).__name__)
            evalue = getattr(exc, "evalue", str(exc))
            first = f"{nb_path.stem}: {ename}: {str(evalue).splitlines()[0] if str(evalue) else ''}"
            kept = logs / f"{slug}.{nb_path.name}"
            if executed.exists():
                logs.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(executed, kept)
            return failed(first, f"executed notebook kept at {kept}\n\n{traceback.format_exc()}")
        nb = nbformat.read(str(executed), as_version=4)
        results.update(report.collect(nb))
        render.write_notebook_html(executed, executed.with_suffix(".html"), provenance=provenance)
        timings[nb_path.stem] = round(time.perf_counter() - t0, 3)

    (staging / "results.json").write_text(
        json.dumps(report.to_jsonable(results), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    run_info = {
        "engagement": slug,
        "client": eng.client,
        "seed": int(seed),
        "started": started_at,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "timings_seconds": timings,
        "inputs": input_hashes(folder),
        "notebooks": {p.name: _sha256(p) for p in notebooks},
        "packages": package_versions(),
        "kernel": kernel,
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "platform": platform.platform(),
    }
    (staging / "run.json").write_text(json.dumps(run_info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _publish(staging, out / slug)
    if log.exists():
        log.unlink()
    return EngagementRun(slug, str(folder), "ok", time.perf_counter() - started,
                         notebooks=[p.stem for p in notebooks], client=eng.client)


def run(
    engagements: Sequence[str | Path],
    *,
    out: str | Path = "reports",
    notebooks: Sequence[Path] | None = None,
    seed: int = 0,
    timeout: int = 1800,
    on_done: Callable[[EngagementRun], None] | None = None,
) -> list[EngagementRun]:
    """Run every engagement (sequentially) and rewrite ``<out>/index.html``.

    ``on_done`` is called with each engagement's result as it finishes (the CLI prints a line).
    """
    out = Path(out)
    notebooks = list(notebooks) if notebooks is not None else discover_notebooks()
    results = []
    for folder in engagements:
        res = run_engagement(folder, out=out, notebooks=notebooks, seed=seed, timeout=timeout)
        results.append(res)
        if on_done:
            on_done(res)
    write_index(out)
    return results


def write_index(out: Path) -> Path:
    """Rebuild ``<out>/index.html`` from every published report and every failure log in ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict[str, Any]] = {}
    for run_json in sorted(out.glob("*/run.json")):
        folder = run_json.parent
        info = json.loads(run_json.read_text(encoding="utf-8"))
        res_path = folder / "results.json"
        entries[folder.name] = {
            "slug": folder.name,
            "client": info.get("client"),
            "status": "ok",
            "finished": info.get("finished"),
            "notebooks": sorted(p.stem for p in folder.glob("*.html")),
            "results": json.loads(res_path.read_text(encoding="utf-8")) if res_path.exists() else None,
        }
    for log in sorted((out / ".logs").glob("*.log")):
        slug = log.stem
        first = log.read_text(encoding="utf-8").splitlines()[0]
        entry = entries.setdefault(slug, {"slug": slug, "notebooks": [], "results": None})
        entry["status"] = "failed" + (" (showing last good report)" if entry.get("results") else "")
        entry["error"] = first.removeprefix(f"{slug}: ")
    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return render.write_index(out, list(entries.values()), generated=generated)
