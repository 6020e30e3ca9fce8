"""Packaging: a wheel (``pip install .``, not editable) ships the notebooks and runs them with ``cx run`` from
anywhere; ``import cxlib as cx`` reaches every public module as ``cx.<module>``.

The wheel goes into a fresh virtual environment in tmp. Its dependencies are not installed again: a ``.pth``
file points the new environment at this one's site-packages, after its own (so the installed cxlib, not
this checkout's editable one, is imported; ``.pth`` files of the borrowed folder, such as the editable
install's hook, are not processed).
"""
from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

import cxlib as cx

ROOT = Path(__file__).resolve().parents[1]
#: What a wheel is built from: the source tree without environments, data, reports and build output.
IGNORED = shutil.ignore_patterns(".venv", ".git", "data", "reports", "build", "dist", "*.egg-info", "__pycache__",
                                 ".pytest_cache", ".hypothesis", ".ipynb_checkpoints", "tmp")


#: The subprocesses see the installed copy only: no source tree on PYTHONPATH.
ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH")}


def _run(cmd, **kw):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600, env=ENV, **kw)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))}\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(python, cx, site-packages) of a fresh venv holding cxlib installed from a wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=IGNORED)
    env = tmp / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt").create(env)
    bin_dir = env / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    (site / "_cxlib_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    # The data files the dependencies installed beside their code (nbconvert's templates, …), as installing
    # them into the new environment would have; kernels excepted: that one gets its own below.
    shared = Path(sys.prefix) / "share" / "jupyter"
    (env / "share" / "jupyter").mkdir(parents=True)
    for entry in shared.iterdir():
        if entry.name != "kernels":
            (env / "share" / "jupyter" / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    # pip of this environment, run by the new one: it installs into the new environment. --ignore-installed:
    # the editable cxlib this environment holds is neither reused nor uninstalled.
    _run([python, "-m", "pip", "install", "--quiet", "--no-deps", "--ignore-installed", "--no-warn-script-location",
          str(source)], cwd=tmp)
    # the notebooks' kernel, as `make kernel` installs it (README: installing cxlib from a wheel)
    _run([python, "-m", "ipykernel", "install", "--sys-prefix", "--name", "cxlib", "--display-name", "Python (cxlib)",
          "--env", "OMP_NUM_THREADS", "1", "--env", "OPENBLAS_NUM_THREADS", "1", "--env", "MKL_NUM_THREADS", "1"],
         cwd=tmp)
    return python, bin_dir / "cx", site


def test_the_wheel_ships_the_notebooks(installed):
    python, _, site = installed
    shipped = sorted(p.name for p in (site / "cxlib" / "notebooks").glob("*.ipynb"))
    assert shipped == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb")) and shipped
    proc = _run([python, "-c", "import cxlib, cxlib.batch as b; print(cxlib.__file__); print(b.NOTEBOOKS_DIR); "
                 "print(len(b.discover_notebooks()))"], cwd=site.parent)
    module, notebooks, count = proc.stdout.split()
    assert Path(module).is_relative_to(site) and Path(notebooks) == site / "cxlib" / "notebooks"
    assert int(count) == len(shipped)


@pytest.mark.slow
def test_cx_run_from_the_installed_package_publishes_the_reports(installed, tmp_path, slow):
    """Outside the source tree, the installed cx writes a synthetic engagement and publishes every report
    (quick form: the attrition report only, which has no resampling; --slow: all of them)."""
    _, cx_cmd, site = installed
    work = tmp_path / "elsewhere"
    work.mkdir()
    _run([cx_cmd, "synth", "retailer", "e", "--customers", "800", "--seed", "1"], cwd=work)
    proc = _run([cx_cmd, "run", "e", "--out", "out", *([] if slow else ["--notebooks", "03"])], cwd=work)
    assert "1 published" in proc.stdout, proc.stdout + proc.stderr
    report = work / "out" / "e"
    names = sorted(p.stem for p in (site / "cxlib" / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not slow:
        names = [n for n in names if n.startswith("03_")]
    for name in names:
        assert (report / f"{name}.html").is_file() and (report / f"{name}.ipynb").is_file(), name
    assert (work / "out" / "index.html").is_file()
    run_info = json.loads((report / "run.json").read_text(encoding="utf-8"))
    assert set(run_info["notebooks"]) == {f"{n}.ipynb" for n in names}
    assert json.loads((report / "results.json").read_text(encoding="utf-8"))["client"]
    assert run_info["kernel"] == "cxlib"  # the environment's own kernel (one BLAS thread)
    # the kernel ran the installed cxlib, not this checkout's
    executed = json.loads((report / f"{names[0]}.ipynb").read_text(encoding="utf-8"))
    assert str(ROOT / "cxlib") not in json.dumps(executed["cells"])


def test_a_checkout_runs_the_notebooks_of_its_source_tree():
    from cxlib import batch

    if not Path(batch.__file__).resolve().is_relative_to(ROOT):
        pytest.skip("cxlib is not imported from this checkout")
    assert batch.NOTEBOOKS_DIR == ROOT / "notebooks"
    assert not (ROOT / "cxlib" / "notebooks").exists()  # the build step writes into the build folder only


# -- cx.<module> ------------------------------------------------------------------------------------------

PACKAGE = Path(cx.__file__).resolve().parent
MODULE_FILES = sorted(p.stem for p in PACKAGE.glob("*.py") if not p.name.startswith("_"))


@pytest.mark.parametrize("name", MODULE_FILES)
def test_every_module_is_an_attribute_of_the_package(name):
    assert name in cx.__all__ and name in dir(cx)
    module = getattr(cx, name)
    assert module is importlib.import_module(f"cxlib.{name}")


def test_the_lazy_list_names_every_module_and_package():
    listed = set(cx._MODULES)
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert set(MODULE_FILES) <= listed and packages <= listed
    for name in listed - set(MODULE_FILES) - packages:  # listed before its file exists: a clear AttributeError
        with pytest.raises(AttributeError, match=name):
            getattr(cx, name)


def test_an_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        cx.nonsense  # noqa: B018
    assert not hasattr(cx, "nonsense")
    assert sys.modules["cxlib"] is cx
