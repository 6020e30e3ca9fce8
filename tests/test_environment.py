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
