"""Security (#10): parameters passed to notebooks cannot inject code; unsafe engagement names never reach
Papermill."""
from __future__ import annotations

import ast

import pytest
from papermill.translators import PythonTranslator

from cxlib import batch

HOSTILE = ['data/x"; import os; os.system("touch /tmp/cx-pwned"); "', "data/x'\nimport os\n'",
           'data/x\\"; __import__("os")', "data/${HOME}/`id`"]


@pytest.mark.parametrize("value", HOSTILE)
def test_notebook_parameters_are_literals_not_code(value):
    """What Papermill injects for a parameter is a plain assignment of a string literal equal to the value."""
    code = PythonTranslator.codify({"engagement": value, "seed": 0})
    tree = ast.parse(code)
    assigns = [n for n in tree.body if isinstance(n, ast.Assign)]
    assert len(assigns) == len(tree.body) == 2  # nothing but the two assignments
    assert ast.literal_eval(assigns[0].value) == value


def test_an_unsafe_engagement_name_is_refused_before_any_notebook_runs(tmp_path):
    evil = tmp_path / 'x"; import os; "'
    evil.mkdir()
    res = batch.run([evil], out=tmp_path / "reports", notebooks=[], jobs=1)
    assert res[0].status == "failed" and res[0].bad_input and "not a valid engagement name" in res[0].error
