"""The ``cx`` command: parses arguments and prints; the work is done in ``batch``, ``synth``, ``init`` and
``engagement``.

Exit codes: 0 success; 2 bad input (a ``DataError``, or a usage error) — printed as one clear message,
never a traceback; 1 a run in which some engagement failed for another reason.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import DataError

__all__ = ["main", "cli"]


def _fail(message: str, code: int = 2) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cxlib")
def cli() -> None:
    """cxlib: emotional-connection customer research workbook."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check engagement folders; print what is wrong with each (exit 2 if any is invalid)."""
    from .engagement import load_engagement

    bad = 0
    for path in paths:
        try:
            eng = load_engagement(path)
        except DataError as exc:
            bad += 1
            n = len(exc.problems)
            click.secho(f"✗ {path}: {n} problem{'s' * (n != 1)}", fg="red", err=True)
            for problem in exc.problems:
                click.secho(f"  error: {problem}", fg="red", err=True)
            continue
        n_warn = len(eng.warnings)
        click.secho(f"✓ {path}: {eng.client}: {eng.sample.analysed:,} respondents analysed, "
                    f"{len(eng.customers):,} customers" + (f" ({n_warn} warning{'s' * (n_warn != 1)})" if n_warn else ""),
                    fg="green")
        for step in eng.preparation.sentences() if eng.preparation else []:
            click.echo(f"  {step}")
        for w in eng.warnings:
            click.secho(f"  warning: {w}", fg="yellow")
    if bad:
        sys.exit(2)


@cli.command()
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--survey", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Survey export (Qualtrics CSV, CSV, Parquet or SPSS .sav).")
@click.option("--customers", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Customer behaviour file (CSV or Parquet).")
@click.option("--client", default=None, help="Client display name (default: from the folder name).")
@click.option("--qsf", default=None, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Qualtrics survey file (.qsf): its question texts, blocks and choices refine the draft.")
def init(dest: Path, survey: Path, customers: Path, client: str | None, qsf: Path | None) -> None:
    """Start a new engagement: copy the files in, draft engagement.yaml and codebook.csv."""
    from .init import init_engagement

    try:
        folder = init_engagement(dest, survey=survey, customers=customers, client=client, qsf=qsf)
    except DataError as exc:  # one clear line, as `cx validate` prints it (also under CliRunner)
        _fail(str(exc))
    click.echo(f"Created {folder}. Complete engagement.yaml and codebook.csv, then run: cx validate {folder}")


@cli.command()
@click.argument("kind", type=click.Choice(["retailer", "brokerage", "tracker"]))  # synth.KINDS (not imported here: slow)
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--customers", "n_customers", default=5000, show_default=True, type=click.IntRange(min=50))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--force", is_flag=True, help="Overwrite an existing engagement folder.")
@click.option("--response", default=None, type=click.FloatRange(0, 1, min_open=True, max_open=True),
              help="Response rate: only some customers respond, connected ones more readily (raked to the base).")
@click.option("--waves", default=None, type=click.IntRange(2, 6),
              help="Retailer and brokerage: 3 adds a third wave and names the cuts region and age band (the demos).")
def synth(kind: str, dest: Path, n_customers: int, seed: int, force: bool, response: float | None,
          waves: int | None) -> None:
    """Write a synthetic engagement with a planted truth (truth.json beside the data)."""
    from . import synth as _synth

    if (dest / "engagement.yaml").exists() and not force:
        _fail(f"{dest} already holds an engagement; use --force to overwrite it")
    try:
        _, truth = _synth.make_engagement(kind=kind, n_customers=n_customers, seed=seed, path=dest, response=response,
                                          waves=waves)
    except ValueError as exc:
        _fail(str(exc))
    click.echo(f"Wrote {kind} engagement to {dest} ({n_customers:,} customers, seed {seed}); "
               f"planted value multiplier {truth['value_multiplier']:.2f}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", default=Path("reports"), show_default=True, type=click.Path(path_type=Path))
@click.option("--jobs", "-j", default=None, type=click.IntRange(min=1),
              help="Notebooks executed at once (default: all cores).")
@click.option("--notebooks", "select", default=None, help="Comma-separated notebook numbers, e.g. 01,03.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on an existing Dask distributed cluster, e.g. tcp://10.0.0.5:8786.")
@click.option("--force", is_flag=True, help="Re-run engagements that are unchanged since their last report.")
@click.option("--timeout", default=1800, show_default=True, type=int, help="Seconds allowed per notebook cell.")
@click.option("--skip", "skip", multiple=True, metavar="OUTPUTS",
              help="Heavy outputs not to make, for a quick run, comma-separated: pdf, deck, workbook.")
def run(paths: tuple[Path, ...], out: Path, jobs: int | None, select: str | None, seed: int, scheduler: str | None,
        force: bool, timeout: int, skip: tuple[str, ...]) -> None:
    """Execute the notebooks for each engagement and publish reports under OUT (and each engagement's PDF)."""
    from tqdm import tqdm

    from . import batch
    from .errors import ArgumentError

    try:
        skipped_outputs = batch.outputs_to_skip(skip, function="cx run", argument="--skip")
    except ArgumentError as exc:
        _fail(str(exc))
    try:
        notebooks = batch.discover_notebooks(select=select.split(",") if select else None)
    except ValueError as exc:
        _fail(str(exc))
    bar = tqdm(total=len(paths) * len(notebooks), unit="notebook", file=sys.stderr, disable=None,
               desc="cx run", dynamic_ncols=True)

    counted: dict[str, int] = {}

    def notebook_done(slug: str, name: str, ok: bool) -> None:
        counted[slug] = counted.get(slug, 0) + 1
        bar.update(1)

    def done(res: batch.EngagementRun) -> None:
        bar.update(len(notebooks) - counted.get(res.slug, 0))  # skipped, or notebooks that never ran
        mark = {"ok": "ok", "skipped": "skipped (unchanged; --force re-runs)", "failed": "FAILED"}[res.status]
        line = f"{res.slug:<30} {mark:<8} {res.seconds:6.1f}s"
        if res.error:
            line += f"  {res.error.splitlines()[0]}  (log: {res.log})" if res.log else f"  {res.error.splitlines()[0]}"
        pdf = res.outputs.get("pdf") or {}
        if pdf and not pdf.get("made") and "pdf" not in skipped_outputs:
            line += f"  (no PDF: {pdf.get('reason')})"
        slides = res.outputs.get("deck") or {}
        if slides and not slides.get("made") and "deck" not in skipped_outputs:
            line += f"  (no deck: {slides.get('reason')})"
        tables = res.outputs.get("workbook") or {}
        if tables and not tables.get("made") and "workbook" not in skipped_outputs:
            line += f"  (no workbook: {tables.get('reason')})"
        bar.write(line, file=sys.stderr)

    try:
        results = batch.run(list(paths), out=out, notebooks=notebooks, seed=seed, timeout=timeout, jobs=jobs,
                            scheduler=scheduler, force=force, skip=skipped_outputs, on_done=done,
                            on_notebook=notebook_done)
    except batch.RunLocked as exc:
        bar.close()
        _fail(str(exc))
    bar.close()
    failed = [r for r in results if r.status == "failed"]
    width = max([len("engagement")] + [len(r.slug) for r in results])
    click.echo(f"\n{'engagement':<{width}}  {'status':<8} {'seconds':>8}")
    for r in results:
        click.echo(f"{r.slug:<{width}}  {r.status:<8} {r.seconds:8.1f}")
    published = sum(r.status == "ok" for r in results)
    skipped = sum(r.status == "skipped" for r in results)
    click.echo(f"\n{published} published, {skipped} unchanged, {len(failed)} failed; reports in {out}/ "
               f"(index: {out / 'index.html'})")
    if failed:
        click.secho("Failed: " + ", ".join(f"{r.slug} ({r.error.splitlines()[0] if r.error else ''})"
                                            for r in failed), fg="red", err=True)
        sys.exit(2 if all(r.bad_input for r in failed) else 1)


def main() -> None:
    """Console entry point: DataError anywhere becomes one line on stderr and exit code 2."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except DataError as exc:
        _fail(str(exc))
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
