"""The pip pins (constraints.txt), the conda environment and pyproject's dependencies agree."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, ver = line.partition("==")
            assert ver, f"constraints.txt: {line!r} is not an exact pin"
            pins[_norm(name)] = ver
    return pins


def _conda() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep and not dep.startswith("python="):
            name, ver = dep.split("=", 1)
            out[_norm(name)] = ver
    return out


def _direct() -> set[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = meta["dependencies"] + [d for ds in meta["optional-dependencies"].values() for d in ds]
    names = set()
    for d in deps:
        name = re.split(r"[\[<>=!~; ]", d, maxsplit=1)[0]
        names.add(_norm(name))
        if "dask[distributed]" in d:
            names.add("distributed")
    return names


def test_every_direct_dependency_is_pinned_in_both():
    pins, conda = _constraints(), _conda()
    for name in _direct():
        assert name in pins, f"{name} is a dependency but has no exact pin in constraints.txt"
        assert name in conda, f"{name} is a dependency but is missing from environment.yml"


def test_conda_versions_equal_pip_pins():
    pins = _constraints()
    for name, ver in _conda().items():
        assert pins.get(name) == ver, f"environment.yml has {name}={ver}, constraints.txt has {pins.get(name)}"


def test_installed_versions_match_pins():
    from importlib.metadata import PackageNotFoundError, version

    pins = _constraints()
    for name in _direct():
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue
        assert installed == pins[name], f"{name} {installed} is installed but constraints.txt pins {pins[name]}"


def test_the_cxlib_kernel_limits_blas_and_openmp_threads():
    """`make env` (or `make kernel`) installs the notebooks' kernel with one BLAS/OpenMP thread: kernels left
    to use every core oversubscribe them whenever anything else runs."""
    import subprocess
    import sys

    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("cxlib")
    except NoSuchKernel:
        raise AssertionError("no `cxlib` kernel installed: run `make kernel`") from None
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        assert spec.env.get(var) == "1", f"the cxlib kernel sets {var}={spec.env.get(var)!r}; run `make kernel`"
    assert spec.display_name == "Python (cxlib)" and spec.language == "python"
    # and it is this environment's interpreter, so the notebooks import this cxlib
    probe = [spec.argv[0], "-c", "import sys, cxlib; print(sys.prefix)"]
    assert subprocess.run(probe, capture_output=True, text=True, timeout=60).stdout.strip() == sys.prefix
