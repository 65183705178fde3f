"""The scoring engine is pure: the standard library only, importable without Django."""

import ast
import re
import subprocess
import sys
from pathlib import Path

from scorecards import scoring

SCORING_DIR = Path(scoring.__file__).resolve().parent
ALLOWED_IMPORTS = {"collections", "dataclasses", "decimal", "re", "typing"}


def test_scoring_imports_only_the_standard_library():
    modules = sorted(SCORING_DIR.rglob("*.py"))
    assert len(modules) > 1, modules
    for path in modules:
        source = path.read_text(encoding="utf-8")
        # A relative import may climb to the engine's own package, never to scorecards (a Django app).
        depth = len(path.relative_to(SCORING_DIR).parts)
        imported = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level:
                assert node.level <= depth, (path.name, node.level)
            elif isinstance(node, ast.ImportFrom):
                imported.add(node.module.split(".")[0])
        assert imported <= ALLOWED_IMPORTS, (path.name, imported)
        # Catches imports hidden from the AST walk above, e.g. importlib calls.
        assert not re.search(r"(import|from)\s+django|import_module\(", source), path.name


def test_fresh_import_does_not_load_django():
    # Load the engine's package by path so scorecards' __init__ (a Django app) is not
    # involved, then check nothing pulled Django in.
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('scoring', {str(SCORING_DIR / '__init__.py')!r})\n"
        "module = importlib.util.module_from_spec(spec)\n"
        "sys.modules['scoring'] = module\n"
        "spec.loader.exec_module(module)\n"
        "assert module.evaluate({'scheme': 'likert_5', 'items': "
        "[{'id': 'a', 'weight': 100, 'rating': 4}]})['grade'] == 'Very Good'\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(loaded)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr
