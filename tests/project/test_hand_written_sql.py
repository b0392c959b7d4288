"""The ORM writes every statement: hand-written SQL lives only in an app's `fast.py`, where it saves at least a
quarter of a request's server CPU (measured with `make bench`, the figures in the commit), beside a test that ties
its columns to the model's fields. Outside them only the migrations and the health check's `SELECT 1` may speak
SQL. Read from the source, so a statement written out anywhere else fails here."""

import ast
import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGE = ROOT / "wareview"
# What is allowed, where: the health check's `SELECT 1` (is the database there at all?).
ALLOWED = {"wareview/health/checks.py": ["cursor("]}
# Calls that hand SQL to the database, wherever they are written.
CALLS = re.compile(r"\bcursor\(|\.raw\(|\bRawSQL\b|\.extra\(")
# Statements in string literals (f-strings included): SQL's own shapes, not a word in a sentence. A SELECT in
# lower case counts when it reads from a table (Django names every table `<app>_<model>`).
STATEMENTS = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|(?i:\bselect\b[\s\S]*\bfrom\s+\"?\w+_\w+)"
    r"|\bUPDATE\s+\S+\s+SET\b|(?i:\bINSERT\s+INTO\b|\bDELETE\s+FROM\b|\bJOIN\s+\w+(\s+\w+)?\s+ON\b)"
)


def hand_written_sql(source: str) -> list[str]:
    """What in `source` hands SQL to the database or spells a statement: calls in the code, statements in strings
    (an f-string read whole, `{}` for each value), docstrings left out."""
    tree = ast.parse(source)
    found = [match.group() for match in CALLS.finditer(ast.unparse(tree))]  # the code without its comments
    return found + [text for text in _strings(tree) if STATEMENTS.search(text)]


def _strings(tree: ast.AST) -> list[str]:
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    strings, parts = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            values = [value.value if isinstance(value, ast.Constant) else "{}" for value in node.values]
            strings.append("".join(str(value) for value in values))
            parts.update(id(value) for value in node.values)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | parts:
            strings.append(node.value)
    return strings


def scanned() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py")) if path.name != "fast.py" and "migrations" not in path.parts]


def test_no_module_outside_the_fast_modules_writes_sql():
    found = {str(path.relative_to(ROOT)): hand_written_sql(path.read_text()) for path in scanned()}
    assert {path: sql for path, sql in found.items() if sql} == {
        path: allowed for path, allowed in ALLOWED.items() if (ROOT / path).exists()
    }


def test_the_scan_finds_a_statement_or_a_call_wherever_it_is_written():
    samples = {
        'rows = Answer.objects.raw("SELECT * FROM reviews_answer")': [".raw(", "SELECT * FROM reviews_answer"],
        "with connection.cursor() as cursor:\n    pass": ["cursor("],
        'qs.annotate(n=RawSQL("1", []))': ["RawSQL"],
        'qs.extra(where=["1"])': [".extra("],
        'sql = f"DELETE FROM {table} WHERE id IN ({ids})"': ["DELETE FROM {} WHERE id IN ({})"],
        'sql = f"SELECT a.*, m.role AS {role}\\n FROM reviews_answer a"': [
            "SELECT a.*, m.role AS {}\n FROM reviews_answer a"
        ],
        'sql = """\n    UPDATE reviews_answer\n    SET version = version + 1"""': [
            "\n    UPDATE reviews_answer\n    SET version = version + 1"
        ],
        "sql = 'select id from plans_improvementitem'": ["select id from plans_improvementitem"],
        'sql = "insert into plans_improvementitem (id) values (%s)"': [
            "insert into plans_improvementitem (id) values (%s)"
        ],
    }
    for source, expected in samples.items():
        assert hand_written_sql(source) == expected, source


def test_words_about_sql_in_prose_are_not_statements():
    prose = [
        'def f():\n    """One INSERT per table, and a compare-and-swap UPDATE on the version."""',
        'METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")',
        'label = "Select the practices you follow"',
        'help_text = "Select a lens from the list, or update the set you chose"',
        "# with connection.cursor() as cursor: a comment is no call",
    ]
    for source in prose:
        assert hand_written_sql(source) == [], source


def test_every_fast_module_has_a_test_that_imports_it():
    # Each fast.py comes with a test tying its columns to the model's fields (see wareview/reviews/README.md).
    tests = "\n".join(path.read_text() for path in (ROOT / "tests").rglob("test_*.py"))
    for path in PACKAGE.rglob("fast.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        assert re.search(rf"\b{re.escape(module)}\b", tests), f"{module} has no test"
