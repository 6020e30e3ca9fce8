"""Every public function and class (each module's ``__all__``) documents itself with a runnable example.

The examples themselves run as doctests (``--doctest-modules`` in pyproject's pytest options); those that
start kernels or a browser are marked to skip, and this test counts them so they stay few.
"""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import cxlib

MODULES = sorted(m.name for m in pkgutil.iter_modules(cxlib.__path__) if not m.name.startswith("_")
                 and m.name not in ("cli",))


def _public():
    for name in MODULES:
        mod = importlib.import_module(f"cxlib.{name}")
        for attr in getattr(mod, "__all__", []):
            obj = getattr(mod, attr)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == mod.__name__:
                yield f"{name}.{attr}", inspect.getdoc(obj) or ""


def test_every_public_function_and_class_has_a_runnable_example():
    missing = [name for name, doc in _public() if ">>>" not in doc]
    assert not missing, f"{len(missing)} without an example: {missing}"


def test_few_examples_are_skipped():
    skipped = [name for name, doc in _public() if ">>>" in doc and all("+SKIP" in line for line in doc.splitlines()
                                                                         if line.strip().startswith(">>>"))]
    assert len(skipped) <= 6, skipped
