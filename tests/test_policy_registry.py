"""The policy's rules are registered by each feature's ``permissions.py``; building the app loads
them all, and every action a view or template asks about has one.

The route matrix (``test_permissions.py``) renders each page once per role; a link shown only in
some state (``{% if can(current_user, 'x') %}``) may never render there, so a misspelt or unloaded
action would first fail in production, as a KeyError inside a page.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

from lms.policy import RULES

ROOT = Path(__file__).resolve().parents[1]
LMS = ROOT / "lms"

#: authorize("x"), can(user, "x"), can(current_user, 'x', obj): the action named by a literal.
_ASKED = re.compile(r"""\b(?:authorize|can)\(\s*(?:[\w.]+\s*,\s*)?["']([a-z_]+\.[a-z_]+)["']""")


def _declared() -> dict[str, str]:
    """Action -> the permissions module whose ``@rule(...)`` names it, read from the source."""
    found = {}
    for path in sorted(LMS.glob("*/permissions.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                for deco in node.decorator_list:
                    if isinstance(deco, ast.Call) and getattr(deco.func, "id", "") == "rule":
                        for arg in deco.args:
                            found[arg.value] = f"lms.{path.parent.name}.permissions"
    return found


def test_building_the_app_registers_every_rule_of_every_permissions_module(tmp_path):
    # A fresh interpreter: in this one, any earlier test may have imported a module already.
    code = (
        "import json, sys, wsgi; from lms.policy import RULES; "
        "print(json.dumps({'rules': sorted(RULES), 'modules': sorted("
        "m for m in sys.modules if m.startswith('lms.') and m.endswith('.permissions'))}))"
    )
    env = {"LMS_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    declared = _declared()
    assert sorted(set(declared.values())) == loaded["modules"]
    assert sorted(declared) == loaded["rules"]


def test_every_action_asked_in_code_or_templates_has_a_rule(app):
    asked: dict[str, set[str]] = {}
    for path in [*LMS.rglob("*.py"), *LMS.rglob("*.html")]:
        for action in _ASKED.findall(path.read_text()):
            asked.setdefault(action, set()).add(str(path.relative_to(ROOT)))
    assert len(asked) > 50  # the pattern still finds what views and templates ask
    missing = {action: sorted(paths) for action, paths in asked.items() if action not in RULES}
    assert missing == {}
