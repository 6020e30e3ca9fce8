"""Batch runs: every notebook for every engagement, executed with Papermill in parallel and published atomically.

``run`` orchestrates. Each engagement is validated, then its analysis notebooks (01, 02, …) run as
independent tasks over a process pool (or a Dask cluster with ``scheduler=``), each executed by Papermill
into the engagement's private staging folder and rendered to HTML; the executive summary (00) runs once
the analyses have succeeded, because it reads their results. When every notebook has succeeded,
``results.json`` and ``run.json`` are written and the staging folder is swapped in for the published
report. A failure at any step leaves the previously published report untouched and writes the error to
``<out>/.logs/<slug>.log``; an interrupted run (even SIGKILL) leaves at most a staging folder, removed by
the next run.

An engagement whose inputs, seed, notebooks and package versions are unchanged since its published
report is skipped (``force=True`` re-runs it). One ``cx run`` at a time may write to an output folder:
a lock file says who holds it.

Before publishing, every report of the engagement is printed as one PDF, ``<slug>.pdf``, by the headless
Chromium of ``cxlib.browser`` (one browser for the whole run, started when the first PDF is due). The heavy
outputs can be left out (``skip=("pdf",)``, ``cx run --skip pdf``); where Chromium is missing or cannot print,
the report is published without the PDF, and ``run.json`` (``outputs.pdf``) says why. The executive summary is
also made into a slide deck, ``<slug>-summary.pptx`` (``outputs.deck``; ``--skip deck``).
Every table of the reports is also put in one Excel workbook, ``<slug>-tables.xlsx``
(``render.write_workbook``; ``outputs.workbook``; ``--skip workbook``), made like the PDF: in the staging
folder, never failing the engagement.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import platform
import shutil
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from . import render, report
from .errors import DataError

__all__ = ["EngagementRun", "RunLocked", "NOTEBOOKS_DIR", "OUTPUTS", "discover_notebooks", "fingerprint",
           "outputs_to_skip", "run_engagement", "run", "write_index"]


def _notebooks_dir() -> Path:
    """The checkout's ``notebooks/`` when cxlib runs from a source tree (an editable install, or the tree on
    ``sys.path``), else the copy installed with the package (``cxlib/notebooks``, put into the wheel by the
    build step in ``setup.py``)."""
    package = Path(__file__).resolve().parent
    checkout = package.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "notebooks").is_dir():
        return checkout / "notebooks"
    return package / "notebooks"


#: The project's notebooks: the source tree's ``notebooks/`` in a checkout, the installed copy otherwise.
NOTEBOOKS_DIR = _notebooks_dir()

#: The heavy outputs made for every engagement besides its notebooks, which ``skip=`` (``cx run --skip``) can
#: leave out for a quick run: ``pdf`` is every report as one printable PDF (``<slug>.pdf``), ``deck`` the executive
#: summary as a slide deck (``<slug>-summary.pptx``).
#: ``workbook`` is every table of the reports in one Excel workbook, a sheet each (``<slug>-tables.xlsx``).
OUTPUTS = ("pdf", "deck", "workbook")

PROVENANCE_PACKAGES = ("cxlib", "numpy", "pandas", "scipy", "statsmodels", "lifelines", "pingouin",
                       "pandera", "matplotlib", "seaborn", "papermill", "nbconvert", "ipykernel", "openpyxl")


@dataclass(frozen=True)
class EngagementRun:
    """What happened to one engagement in a batch.

    Examples
    --------
    >>> r = EngagementRun("acme", "data/acme", "ok", 42.0, notebooks=["01_motivator_discovery"])
    >>> r.to_dict()["status"]
    'ok'
    """

    slug: str
    path: str
    status: str  # "ok" | "failed" | "skipped" (unchanged since the published report)
    seconds: float
    error: str | None = None
    log: str | None = None
    bad_input: bool = False
    notebooks: list[str] = field(default_factory=list)
    client: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)  # run.json's ``outputs``: {"pdf": {"made": ..., ...}}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class RunLocked(RuntimeError):
    """Another ``cx run`` is writing to the same output folder.

    Examples
    --------
    >>> issubclass(RunLocked, RuntimeError)
    True
    """


def discover_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR, select: Sequence[str] | None = None) -> list[Path]:
    """Notebooks to run, in report order: the analyses 01, 02, … then the executive summary 00 last.

    ``select`` holds number prefixes such as ``["01", "03"]``.

    Examples
    --------
    >>> [p.name[:2] for p in discover_notebooks(select=["01", "00"])]
    ['01', '00']
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


def outputs_to_skip(names: Iterable[str] | str | None, *, function: str = "batch.run",
                    argument: str = "skip") -> frozenset[str]:
    """The outputs named in ``names`` (each one of :data:`OUTPUTS`; commas split a name), checked.

    Raises ``cxlib.errors.ArgumentError`` naming ``function`` and ``argument`` for a name that is not an
    output, with the closest match.

    Examples
    --------
    >>> sorted(outputs_to_skip(["pdf"])), sorted(outputs_to_skip("pdf,")), sorted(outputs_to_skip(None))
    (['pdf'], ['pdf'], [])
    >>> outputs_to_skip(["pfd"])
    Traceback (most recent call last):
    ...
    cxlib.errors.ArgumentError: batch.run: skip must be one of 'pdf', 'deck', 'workbook', not 'pfd'; did you mean 'pdf'?
    """
    from . import checks

    if names is None:
        return frozenset()
    if isinstance(names, str):
        names = [names]
    out = set()
    for name in names:
        for part in str(name).split(","):
            if part.strip():
                out.add(checks.choice(part.strip().lower(), OUTPUTS, function, argument))
    return frozenset(out)


def _kernel_name() -> str:
    """The project's kernel ``cxlib`` (installed by ``make env``, with one BLAS thread) when it runs this
    interpreter, else ``python3`` — which is this interpreter when no other ``python3`` kernelspec is
    installed (ipykernel's own spec). A ``cxlib`` kernelspec of another environment (say a user-wide one
    pointing at a checkout's venv) would run the notebooks on another copy of cxlib, so it is not used."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("cxlib")
    except NoSuchKernel:
        return "python3"
    return "cxlib" if spec.argv and _this_interpreter(spec.argv[0]) else "python3"


def _this_interpreter(command: str) -> bool:
    """``command`` (a kernelspec's argv[0]) starts this Python: jupyter_client substitutes ``sys.executable``
    for a bare ``python``; otherwise it must live in this environment's ``bin`` folder (symlinks not
    followed: every venv's python links to the same base interpreter)."""
    major, minor = sys.version_info[:2]
    if command in ("python", f"python{major}", f"python{major}.{minor}"):
        return True
    return Path(os.path.abspath(command)).parent == Path(os.path.abspath(sys.executable)).parent


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def input_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in an engagement folder, by relative path."""
    return {str(p.relative_to(folder)): _sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def fingerprint(folder: Path, notebooks: Sequence[Path], seed: int) -> str:
    """What a report depends on: input files, notebooks, seed, package versions and cxlib's source (SHA-256).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "survey.csv").write_text("customer_id")
    >>> a = fingerprint(d, [], seed=0)
    >>> len(a), a == fingerprint(d, [], seed=0), a == fingerprint(d, [], seed=1)
    (64, True, False)
    """
    return _digest(_fingerprint_basis(Path(folder), notebooks, seed))


def _fingerprint_basis(folder: Path, notebooks: Sequence[Path], seed: int) -> dict[str, Any]:
    """The hashes a fingerprint is made of; run.json records the same ones, so inputs are hashed once."""
    return {"inputs": input_hashes(folder), "notebooks": {p.name: _sha256(p) for p in notebooks},
            "seed": int(seed), "packages": package_versions(), "cxlib_source": _source_hash()}


def _digest(basis: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


@functools.cache
def _source_hash() -> str:
    """SHA-256 over cxlib's own files: an edited (editable-install) package re-runs reports even when its
    version string has not changed."""
    h = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".j2", ".tpl", ".css", ".json", ".html") and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def package_versions() -> dict[str, str]:
    """Versions of Python and the packages behind the numbers (read once per process)."""
    return dict(_package_versions())


@functools.cache
def _package_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PROVENANCE_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _publish(staging: Path, target: Path) -> None:
    """Swap ``staging`` in for ``target``: the old report stays whole until the new one is in place.

    Between the two renames a SIGKILL would leave the old report under ``.old-<slug>-<pid>``;
    ``_recover`` (at the start of every run) puts it back.
    """
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


def _recover(out: Path) -> None:
    """Undo what an interrupted run left behind: restore half-swapped reports, drop staging folders."""
    for old in out.glob(".old-*"):
        slug = old.name[len(".old-"):].rsplit("-", 1)[0]
        target = out / slug
        if not target.exists():
            old.rename(target)
        else:
            shutil.rmtree(old, ignore_errors=True)
    for staging in out.glob(".staging-*"):
        shutil.rmtree(staging, ignore_errors=True)


@contextmanager
def _locked(out: Path) -> Iterator[None]:
    """Hold ``<out>/.cx-run.lock`` for the whole run (released by the OS if the process dies)."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    path = out / ".cx-run.lock"
    fh = open(path, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            holder = fh.read().strip() or "unknown"
            raise RunLocked(f"{out} is being written by another cx run (pid {holder}); wait for it to finish "
                            "or use another --out") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fh.close()


# -- tasks (run in pool workers; module-level so they pickle) -----------------------------------------

def _limit_threads() -> None:
    """Pool workers and the kernels they start use one BLAS thread each: the pool is the parallelism."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
        os.environ[var] = "1"


def _prepare_task(folder: str) -> dict[str, Any]:
    from .engagement import load_engagement

    try:
        eng = load_engagement(folder)
    except DataError as exc:
        return {"ok": False, "error": str(exc), "bad_input": True,
                "detail": "The engagement's inputs did not validate; nothing was run."}
    except Exception as exc:  # an unexpected failure is this engagement's, not the batch's
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}", "bad_input": False,
                "detail": traceback.format_exc()}
    # What loading did to the inputs, for run.json: who is analysed, every row dropped and why, the warnings.
    record = {"sample": eng.sample.to_dict(), "warnings": list(eng.warnings),
              "preparation": eng.preparation.to_dict() if eng.preparation else None}
    return {"ok": True, "client": eng.client, "record": record}


def _notebook_task(nb_path: str, folder: str, staging: str, report_dir: str, logs: str, seed: int, timeout: int,
                   kernel: str, provenance: str, extra: dict[str, Any]) -> dict[str, Any]:
    import nbformat
    import papermill as pm

    t0 = time.perf_counter()
    nb_path_ = Path(nb_path)
    executed = Path(staging) / nb_path_.name
    kernel_output = Path(logs) / f"{Path(folder).name}.{nb_path_.stem}.kernel.txt"
    _KERNEL_OUTPUT.path = kernel_output
    try:
        pm.execute_notebook(
            nb_path, str(executed),
            parameters={"engagement": folder, "seed": int(seed), "out": report_dir, **extra},
            kernel_name=kernel, progress_bar=False, cwd=str(nb_path_.parent),
            execution_timeout=timeout, request_save_on_cell_execute=False,
            **({"kernel_manager_class": manager} if (manager := _kernel_manager_class()) else {}),
        )
        nb = nbformat.read(str(executed), as_version=4)
        results = report.collect(nb)
        render.write_notebook_html(executed, executed.with_suffix(".html"), provenance=provenance)
    except Exception as exc:
        ename = getattr(exc, "ename", type(exc).__name__)
        evalue = str(getattr(exc, "evalue", str(exc)))
        first = f"{nb_path_.stem}: {ename}: {evalue.splitlines()[0] if evalue else ''}"
        kept = Path(logs) / f"{Path(folder).name}.{nb_path_.name}"
        detail = traceback.format_exc()
        if executed.exists():
            kept.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(executed, kept)
            detail = f"executed notebook kept at {kept}\n\n{detail}"
        if kernel_output.exists():
            detail = f"kernel output kept at {kernel_output}\n{detail}"
        return {"ok": False, "name": nb_path_.stem, "error": first, "detail": detail,
                "seconds": time.perf_counter() - t0}
    finally:
        _KERNEL_OUTPUT.path = None
    kernel_output.unlink(missing_ok=True)  # a kernel that succeeded only said goodbye
    return {"ok": True, "name": nb_path_.stem, "results": report.to_jsonable(results),
            "seconds": round(time.perf_counter() - t0, 3)}


_IPC_MANAGER: Any = None
# Where the kernel started by this thread's notebook writes its own stdout/stderr (set per task). Kept out of
# the terminal: jupyter_client interrupts every kernel before shutting it down, and ipykernel logs that as an
# ERROR line that means nothing to the person running the batch.
_KERNEL_OUTPUT = threading.local()


def _kernel_manager_class() -> Any:
    """Kernels talk to their worker over Unix sockets (IPC) in a private folder where the platform allows:
    no TCP port is opened, so nothing else on the machine can reach the kernel."""
    global _IPC_MANAGER
    if os.name != "posix":
        return None
    if _IPC_MANAGER is None:
        import atexit
        import tempfile

        from jupyter_client.manager import AsyncKernelManager
        from traitlets import default

        sockets = tempfile.mkdtemp(prefix="cx-kernels-")
        os.chmod(sockets, 0o700)
        atexit.register(shutil.rmtree, sockets, True)

        class IPCKernelManager(AsyncKernelManager):
            @default("transport")
            def _default_transport(self) -> str:
                return "ipc"

            @default("ip")
            def _default_ip(self) -> str:
                return os.path.join(sockets, f"k{os.getpid()}-{id(self)}")

            async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
                path = getattr(_KERNEL_OUTPUT, "path", None)
                if path is None:
                    return await super()._async_launch_kernel(kernel_cmd, **kw)
                Path(path).parent.mkdir(parents=True, exist_ok=True)
                with open(path, "ab") as sink:  # the child keeps its own copy of the descriptor
                    kw.setdefault("stdout", sink)
                    kw.setdefault("stderr", sink)
                    return await super()._async_launch_kernel(kernel_cmd, **kw)

        _IPC_MANAGER = IPCKernelManager
    return _IPC_MANAGER


class _InlineExecutor(Executor):
    """Runs each task in this process when it is submitted (``jobs=1``): no pool to start."""

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            fut.set_exception(exc)
        return fut


@contextmanager
def _executor(jobs: int, scheduler: str | None) -> Iterator[Executor]:
    if scheduler:
        from distributed import Client

        client = Client(scheduler)
        client.run(_limit_threads)
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
    elif jobs <= 1:
        yield _InlineExecutor()
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # spawn: workers start clean (no inherited threads or open ZMQ sockets from this process)
        with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_limit_threads) as pool:
            yield pool


# -- orchestration ----------------------------------------------------------------------------------
#
# ``run`` is a sequence of small steps, as Papermill's ``execute_notebook`` is: plan the engagements (skip
# the unchanged ones), then for each engagement prepare (validate) -> stage -> submit its analyses -> submit
# the summary with the analyses' merged results -> finish (results.json, run.json) and publish; any failure
# goes to ``_fail``. Each step is a module-level function over the engagement's ``_State`` and the run's
# ``_Batch``; ``_drain`` waits for tasks and hands each result to the step that follows it.

@dataclass
class _State:
    """One engagement's progress through the steps."""

    folder: Path
    slug: str
    fingerprint: str
    started: float
    position: int
    basis: dict[str, Any] = field(default_factory=dict)
    staging: Path | None = None
    client: str | None = None
    started_at: str = ""
    pending: int = 0
    summary_submitted: bool = False
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    record: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    detail: str = ""


@dataclass
class _Batch:
    """What every step of one run shares: the settings, the executor, the tasks in flight, the outcomes."""

    out: Path
    notebooks: list[Path]
    seed: int
    timeout: int
    kernel: str = "python3"
    on_done: Callable[[EngagementRun], None] | None = None
    on_notebook: Callable[[str, str, bool], None] | None = None
    executor: Executor | None = None
    futures: dict[Future, tuple[str, _State, Path | None]] = field(default_factory=dict)
    finished: dict[int, EngagementRun] = field(default_factory=dict)  # by position (slugs may clash)
    skip: frozenset[str] = frozenset()  # of OUTPUTS
    resources: ExitStack | None = None  # what the run holds until it ends (the shared Chromium)
    chromium: str | None = None  # its DevTools address, once started
    chromium_error: str | None = None  # why it could not be started (not tried again in this run)

    @property
    def logs(self) -> Path:
        return self.out / ".logs"

    @property
    def analyses(self) -> list[Path]:
        return [p for p in self.notebooks if not p.name.startswith("00_")]

    @property
    def summaries(self) -> list[Path]:
        return [p for p in self.notebooks if p.name.startswith("00_")]


def run(
    engagements: Sequence[str | Path],
    *,
    out: str | Path = "reports",
    notebooks: Sequence[Path] | None = None,
    seed: int = 0,
    timeout: int = 1800,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    skip: Iterable[str] = (),
    on_done: Callable[[EngagementRun], None] | None = None,
    on_notebook: Callable[[str, str, bool], None] | None = None,
) -> list[EngagementRun]:
    """Run every notebook for every engagement, in parallel, and rewrite ``<out>/index.html``.

    Parameters
    ----------
    engagements : sequence of paths
        Engagement folders; a folder's name is its report's name (slug).
    out : path
        Where reports are published (``<out>/<slug>/``).
    notebooks : list of paths, optional
        Default: every notebook (:func:`discover_notebooks`).
    seed : int
        Passed to every notebook.
    timeout : int
        Seconds allowed per notebook cell.
    jobs : int, optional
        Parallel notebook executions (default: the machine's cores); 1 runs in this process.
    scheduler : str, optional
        Address of a Dask distributed scheduler to run the same tasks on (its workers must see the same
        file system and have cxlib installed).
    force : bool
        Re-run engagements whose inputs, notebooks, seed and packages are unchanged.
    skip : iterable of str
        Heavy outputs not to make (each one of :data:`OUTPUTS`: ``"pdf"``, ``"deck"``, ``"workbook"``), for a
        quick run. A report published without its PDF (skipped, or Chromium missing) is re-run for the PDF by a
        later run that wants it and can print it, even when nothing else changed.
    on_done : callable, optional
        Called with each engagement's :class:`EngagementRun` as it finishes (the CLI prints a line).
    on_notebook : callable, optional
        Called with ``(slug, notebook, ok)`` as each notebook finishes (the CLI's progress bar).

    Returns
    -------
    list of EngagementRun
        In the order of ``engagements``.

    Raises
    ------
    RunLocked
        Another run holds ``out``.
    cxlib.errors.ArgumentError
        ``skip`` names an output that is not one of :data:`OUTPUTS`.

    Notes
    -----
    The steps, each a function of this module: ``_plan`` (resolve the folders, refuse clashing names,
    fingerprint, ``_unchanged`` → skipped), ``_submit_prepare`` (validate in a worker), ``_stage`` (the
    private staging folder), ``_submit_analyses``, ``_submit_summary`` (with the analyses' merged
    results), ``_publish_engagement`` (``_outputs``: the PDF, printed in the staging folder; ``_finish``:
    results.json, run.json, the atomic swap), ``_fail``
    (log, drop the staging folder) and ``_report`` (the outcome and the ``on_done`` callback);
    ``_drain`` waits for tasks and ``_advance`` picks the next step of an engagement with nothing in flight.

    Examples
    --------
    Executes notebooks (minutes), so not run as a test; ``cx run`` is the command-line form:

    >>> from cxlib import batch
    >>> runs = batch.run(["data/demo-retailer", "data/demo-brokerage"], out="reports", jobs=2)  # doctest: +SKIP
    >>> [(r.slug, r.status) for r in runs]                                                       # doctest: +SKIP
    [('demo-retailer', 'ok'), ('demo-brokerage', 'ok')]
    """
    b = _Batch(Path(out).resolve(), list(notebooks) if notebooks is not None else discover_notebooks(), seed,
               timeout, on_done=on_done, on_notebook=on_notebook, skip=outputs_to_skip(skip))
    with _locked(b.out), ExitStack() as resources:
        b.resources = resources
        _recover(b.out)
        b.kernel = _kernel_name()
        states = _plan(b, engagements, force)
        with _executor(jobs or os.cpu_count() or 1, scheduler) as ex:
            b.executor = ex
            for st in states:
                _submit_prepare(b, st)
            _drain(b)
        write_index(b.out)
        if b.logs.is_dir() and not any(b.logs.iterdir()):
            b.logs.rmdir()
    return [b.finished[i] for i in range(len(engagements))]


def _report(b: _Batch, st: _State, status: str, **kw: Any) -> None:
    """Record an engagement's outcome and tell the caller (``on_done``)."""
    res = EngagementRun(st.slug, str(st.folder), status, time.perf_counter() - st.started, client=st.client, **kw)
    b.finished[st.position] = res
    if b.on_done:
        b.on_done(res)


def _plan(b: _Batch, engagements: Sequence[str | Path], force: bool) -> list[_State]:
    """One state per engagement to run; clashing names fail and unchanged engagements are skipped here."""
    states: list[_State] = []
    seen: set[str] = set()
    for position, folder in enumerate(engagements):
        folder = Path(folder).resolve()
        st = _State(folder, folder.name, "", time.perf_counter(), position)
        if st.slug in seen:
            st.error = f"another engagement folder in this batch is also named {st.slug!r}"
            _report(b, st, "failed", error=st.error, bad_input=True)
            continue
        seen.add(st.slug)
        st.basis = _fingerprint_basis(folder, b.notebooks, b.seed)
        st.fingerprint = _digest(st.basis)
        if not force and _unchanged(b, st):
            _report(b, st, "skipped", notebooks=[p.stem for p in b.notebooks])
            continue
        states.append(st)
    return states


def _unchanged(b: _Batch, st: _State) -> bool:
    """The published report has this fingerprint, no failure was logged since, and it has the PDF if this run
    wants one and can print it (then ``st.client`` is set)."""
    published = b.out / st.slug / "run.json"
    if not published.exists() or (b.logs / f"{st.slug}.log").exists():
        return False
    info = json.loads(published.read_text(encoding="utf-8"))
    if info.get("fingerprint") != st.fingerprint:
        return False
    pdf = (info.get("outputs") or {}).get("pdf") or {}
    if "pdf" not in b.skip and not pdf.get("made") and _find_chromium():
        return False  # published without its PDF (skipped, or no Chromium then): make it now
    deck = (info.get("outputs") or {}).get("deck") or {}
    if "deck" not in b.skip and b.summaries and not deck.get("made"):
        return False  # published without its deck (skipped, or made before decks): make it now
    if "workbook" not in b.skip and not ((info.get("outputs") or {}).get("workbook") or {}).get("made"):
        return False  # published without its workbook of tables (skipped, or made before it existed)
    st.client = info.get("client")
    return True


def _find_chromium() -> str | None:
    from . import browser

    return browser.find_chromium()


def _submit_prepare(b: _Batch, st: _State) -> None:
    """Validate the engagement in a worker (``_prepare_task``)."""
    assert b.executor is not None
    b.futures[b.executor.submit(_prepare_task, str(st.folder))] = ("prepare", st, None)


def _stage(b: _Batch, st: _State, client: str | None) -> None:
    """The engagement validated: start its private staging folder."""
    st.client = client
    st.started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    st.staging = b.out / f".staging-{st.slug}-{os.getpid()}"
    shutil.rmtree(st.staging, ignore_errors=True)
    st.staging.mkdir(parents=True)


def _submit_notebooks(b: _Batch, st: _State, paths: Sequence[Path], extra: dict[str, Any]) -> None:
    assert b.executor is not None
    provenance = f"{st.client} · seed {b.seed} · workbook version {package_versions()['cxlib']} · run {st.started_at}"
    for nb in paths:
        st.pending += 1
        fut = b.executor.submit(_notebook_task, str(nb), str(st.folder), str(st.staging), str(b.out / st.slug),
                                str(b.logs), b.seed, b.timeout, b.kernel, provenance, extra)
        b.futures[fut] = ("notebook", st, nb)


def _submit_analyses(b: _Batch, st: _State) -> None:
    """The analysis notebooks (01, 02, …) run independently of each other."""
    if b.analyses:
        _submit_notebooks(b, st, b.analyses, {})
    else:
        _advance(b, st)


def _submit_summary(b: _Batch, st: _State) -> None:
    """The executive summary reads the analyses' results, merged into the staging folder's results.json."""
    st.summary_submitted = True
    assert st.staging is not None
    partial = st.staging / "results.json"
    partial.write_text(json.dumps(_merged(st, b.analyses), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    _submit_notebooks(b, st, b.summaries, {"results": str(partial)})


def _fail(b: _Batch, st: _State, bad_input: bool = False) -> None:
    """Log the error to ``<out>/.logs/<slug>.log`` and drop the staging folder; the published report stays."""
    b.logs.mkdir(parents=True, exist_ok=True)
    log = b.logs / f"{st.slug}.log"
    log.write_text(f"{st.slug}: {st.error}\n\n{st.detail}", encoding="utf-8")
    if st.staging:
        shutil.rmtree(st.staging, ignore_errors=True)
    _report(b, st, "failed", error=st.error, log=str(log), bad_input=bad_input)


def _publish_engagement(b: _Batch, st: _State) -> None:
    """Every notebook succeeded: make the PDF in the staging folder, write results.json and run.json, swap the
    report in, clear old logs."""
    outputs = _outputs(b, st)
    try:
        _finish(st, b.notebooks, b.out, b.seed, b.kernel, outputs=outputs)
    except OSError as exc:  # e.g. the disk filled up: the old report is still in place
        st.error, st.detail = f"could not publish: {exc}", traceback.format_exc()
        _fail(b, st)
        return
    for stale in [b.logs / f"{st.slug}.log", *b.logs.glob(f"{st.slug}.*.kernel.txt")]:
        stale.unlink(missing_ok=True)
    _report(b, st, "ok", notebooks=[p.stem for p in b.notebooks], outputs=outputs)


def _outputs(b: _Batch, st: _State) -> dict[str, Any]:
    """The heavy outputs, made in the staging folder before it is published: ``{"pdf": record, "deck": record,
    "workbook": record}``."""
    return {"pdf": _pdf(b, st), "deck": _deck(b, st), "workbook": _workbook(b, st)}


def _pdf(b: _Batch, st: _State) -> dict[str, Any]:
    """Print every report of the engagement (00, 01, … in number order) as ``<slug>.pdf`` in the staging folder.

    Returns run.json's record: ``{"made": True, "file", "pages", "sections", "too_wide", "seconds"}``, or
    ``{"made": False, "reason"}`` when the PDF was skipped, Chromium is missing or would not start, or the
    printing failed. A PDF that could not be made never fails the engagement: its reports are published
    without it, and the reason is recorded.
    """
    from . import browser

    if "pdf" in b.skip:
        return {"made": False, "reason": "skipped for this run (cx run --skip pdf)"}
    assert st.staging is not None
    pages = [st.staging / f"{nb.stem}.html" for nb in sorted(b.notebooks, key=lambda p: p.name)]
    pages = [p for p in pages if p.is_file()]
    if not pages:
        return {"made": False, "reason": "no report page to print"}
    if b.chromium is None and b.chromium_error is None:
        if not browser.find_chromium():
            b.chromium_error = "Chromium is not installed on this machine (make browser installs it)"
        else:
            try:
                assert b.resources is not None
                b.chromium = b.resources.enter_context(browser.chromium())
            except Exception as exc:  # noqa: BLE001 (whatever stops Chromium, the reports are still published)
                b.chromium_error = f"Chromium did not start: {exc}"
    if b.chromium is None:
        return {"made": False, "reason": b.chromium_error}
    target = st.staging / f"{st.slug}.pdf"
    try:
        printed = browser.print_pdf(pages, target, client=st.client or st.slug, address=b.chromium)
    except Exception as exc:  # noqa: BLE001 (a browser that crashed or timed out)
        target.unlink(missing_ok=True)
        return {"made": False, "reason": f"Chromium could not print the PDF: {type(exc).__name__}: {exc}"}
    return {"made": True, "file": target.name, "pages": printed.pages, "sections": printed.sections,
            "too_wide": printed.overflow, "seconds": printed.seconds}


def _deck(b: _Batch, st: _State) -> dict[str, Any]:
    """The executive summary as a slide deck, ``<slug>-summary.pptx`` in the staging folder
    (:func:`cxlib.render.write_deck`: the summary page re-built from this run's results, charts at 200 dpi).

    Returns run.json's record: ``{"made": True, "file", "slides", "charts", "seconds"}``, or ``{"made": False,
    "reason"}`` when it was skipped, the run has no executive summary, or making it failed. Like the PDF, a deck
    that could not be made never fails the engagement.
    """
    if "deck" in b.skip:
        return {"made": False, "reason": "skipped for this run (cx run --skip deck)"}
    assert st.staging is not None
    merged = _merged(st, b.notebooks)
    if "executive_summary" not in merged:
        return {"made": False, "reason": "the run has no executive summary (notebook 00) to make it from"}
    target = st.staging / f"{st.slug}-summary.pptx"
    started = (st.started_at or "")[:10] or None
    try:
        from datetime import date

        return render.write_deck(st.folder, merged, target, seed=b.seed,
                                 date=date.fromisoformat(started) if started else None)
    except Exception as exc:  # noqa: BLE001 (whatever stops the deck, the reports are still published)
        target.unlink(missing_ok=True)
        return {"made": False, "reason": f"the deck could not be made: {type(exc).__name__}: {exc}"}


def _workbook(b: _Batch, st: _State) -> dict[str, Any]:
    """Every table of the engagement's reports (00, 01, … in number order) as ``<slug>-tables.xlsx`` in the
    staging folder (:func:`cxlib.render.write_workbook`).

    Returns run.json's record: ``{"made": True, "file", "sheets", "tables", "seconds"}``, or ``{"made": False,
    "reason"}`` when it was skipped or could not be made. Like the PDF, a workbook that could not be made never
    fails the engagement: its reports are published without it, and the reason is recorded.
    """
    if "workbook" in b.skip:
        return {"made": False, "reason": "skipped for this run (cx run --skip workbook)"}
    assert st.staging is not None
    executed = [st.staging / nb.name for nb in sorted(b.notebooks, key=lambda p: p.name)]
    executed = [p for p in executed if p.is_file()]
    if not executed:
        return {"made": False, "reason": "no executed report to read tables from"}
    target = st.staging / f"{st.slug}-tables.xlsx"
    t0 = time.perf_counter()
    try:
        made = render.write_workbook(executed, target, client=st.client or st.slug, results=_merged(st, b.notebooks))
    except Exception as exc:  # noqa: BLE001 (whatever went wrong, the reports are still published)
        target.unlink(missing_ok=True)
        return {"made": False, "reason": f"the workbook could not be made: {type(exc).__name__}: {exc}"}
    return {**made, "seconds": round(time.perf_counter() - t0, 3)}


def _advance(b: _Batch, st: _State) -> None:
    """Called when an engagement has no task in flight: next step, failure or publication."""
    if st.error:
        _fail(b, st)
    elif b.summaries and not st.summary_submitted:
        _submit_summary(b, st)
    else:
        _publish_engagement(b, st)


def _prepared(b: _Batch, st: _State, res: dict[str, Any]) -> None:
    """A validation finished: fail the engagement, or stage it and submit its analyses."""
    if not res["ok"]:
        st.error, st.detail = res["error"], res["detail"]
        _fail(b, st, bad_input=res.get("bad_input", False))
        return
    _stage(b, st, res["client"])
    st.record = res.get("record", {})
    _submit_analyses(b, st)


def _notebook_finished(b: _Batch, st: _State, nb: Path, res: dict[str, Any]) -> None:
    """A notebook finished: keep its results (or the first error); advance when nothing else is in flight."""
    st.pending -= 1
    if b.on_notebook:
        b.on_notebook(st.slug, nb.stem, bool(res["ok"]))
    if res["ok"]:
        st.results[res["name"]] = res["results"]
        st.timings[res["name"]] = res["seconds"]
    elif not st.error:
        st.error, st.detail = res["error"], res["detail"]
    if st.pending == 0:
        _advance(b, st)


def _drain(b: _Batch) -> None:
    """Wait for tasks until none is in flight, handing each result to the step that follows it."""
    while b.futures:
        ready, _ = wait(list(b.futures), return_when=FIRST_COMPLETED)
        for fut in ready:
            kind, st, nb = b.futures.pop(fut)
            try:
                res = fut.result()
            except Exception as exc:  # the worker itself died (e.g. killed): this engagement fails
                res = {"ok": False, "error": f"{kind} task failed: {type(exc).__name__}: {exc}",
                       "detail": traceback.format_exc(), "bad_input": False}
            if kind == "prepare":
                _prepared(b, st, res)
            else:
                assert nb is not None
                _notebook_finished(b, st, nb, res)


def _merged(st: _State, notebooks: Sequence[Path]) -> dict[str, Any]:
    """Headline figures of every notebook, in notebook order (so the file is the same run after run)."""
    merged: dict[str, Any] = {"client": st.client}
    for nb in notebooks:
        merged.update(st.results.get(nb.stem, {}))
    # The client's industry (engagement.yaml's optional ``industry:``, already validated as text): the
    # portfolio view groups clients by it. Read here, not recorded by a notebook, so no page carries it.
    import yaml

    config = yaml.safe_load((st.folder / "engagement.yaml").read_text(encoding="utf-8")) or {}
    industry = config.get("industry") if isinstance(config, dict) else None
    if isinstance(industry, str) and industry.strip():
        merged["industry"] = industry.strip()
    return merged


def _finish(st: _State, notebooks: Sequence[Path], out: Path, seed: int, kernel: str, *,
            outputs: dict[str, Any] | None = None) -> None:
    """Write results.json and run.json (with ``outputs``: what was made besides the notebooks, and what was not
    and why) into the staging folder and publish it."""
    if st.staging is None:
        raise RuntimeError(f"{st.slug}: nothing was staged")
    (st.staging / "results.json").write_text(
        json.dumps(_merged(st, notebooks), indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    run_info = {
        "engagement": st.slug,
        "client": st.client,
        "seed": int(seed),
        "started": st.started_at,
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "timings_seconds": {nb.stem: st.timings.get(nb.stem) for nb in notebooks},
        "inputs": st.basis["inputs"],
        "data": st.record,
        "notebooks": st.basis["notebooks"],
        "packages": st.basis["packages"],
        "fingerprint": st.fingerprint,
        "kernel": kernel,
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "platform": platform.platform(),
        "outputs": outputs or {},
    }
    (st.staging / "run.json").write_text(json.dumps(run_info, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _publish(st.staging, out / st.slug)


def run_engagement(
    folder: str | Path,
    *,
    out: str | Path = "reports",
    notebooks: Sequence[Path] | None = None,
    seed: int = 0,
    timeout: int = 1800,
    force: bool = True,
    skip: Iterable[str] = (),
) -> EngagementRun:
    """Execute every notebook for one engagement in this process and publish its report atomically.

    Returns an ``EngagementRun``; never raises for a failing engagement (the error is in the result and
    in the log file). ``force`` defaults to True here: a researcher calling it wants the run.

    Examples
    --------
    Executes every notebook (minutes), so not run as a test:

    >>> from cxlib import batch
    >>> res = batch.run_engagement("data/demo-retailer", out="reports")   # doctest: +SKIP
    >>> res.status, sorted(res.notebooks)[:2]                              # doctest: +SKIP
    ('ok', ['00_executive_summary', '01_motivator_discovery'])
    """
    return run([folder], out=out, notebooks=notebooks, seed=seed, timeout=timeout, jobs=1, force=force,
               skip=skip)[0]


def write_index(out: Path) -> Path:
    """Rebuild ``<out>/index.html`` and ``<out>/portfolio.html`` from every published report and every failure
    log in ``out``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> write_index(out).name
    'index.html'
    """
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
            "pdf": (info.get("outputs") or {}).get("pdf"),  # the PDF's link, or why there is none
            "deck": (info.get("outputs") or {}).get("deck"),  # the slide deck's link, or why there is none
            "workbook": (info.get("outputs") or {}).get("workbook"),  # the workbook's link, or why there is none
        }
    for log in sorted((out / ".logs").glob("*.log")):
        slug = log.stem
        first = log.read_text(encoding="utf-8").splitlines()[0]
        entry = entries.setdefault(slug, {"slug": slug, "notebooks": [], "results": None})
        entry["status"] = "failed" + (" (showing last good report)" if entry.get("results") else "")
        entry["error"] = first.removeprefix(f"{slug}: ")
    generated = datetime.now(timezone.utc).isoformat(timespec="seconds")
    # The portfolio view (reports/portfolio.html), refreshed with the index from every published report's results;
    # rebuilt only when they (or cxlib) changed, so a run that changed nothing does not load the charting stack.
    published = {slug: entry["results"] for slug, entry in entries.items() if entry.get("results")}
    basis = _digest({"results": published, "cxlib_source": _source_hash(),
                     "summaries": sorted(s for s in published if (out / s / "00_executive_summary.html").is_file())})
    stamp = out / ".portfolio.fingerprint"
    if not (out / "portfolio.html").is_file() or not stamp.is_file() or stamp.read_text(encoding="utf-8") != basis:
        render.write_portfolio(out, published, generated=generated)
        stamp.write_text(basis, encoding="utf-8")
    return render.write_index(out, list(entries.values()), generated=generated)
