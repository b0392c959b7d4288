"""The import_lens and export_lens management commands: what they print, and how they refuse."""

import json
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from wareview.lenses.interchange import lens_export, lens_import
from wareview.lenses.models import Choice, Lens, Question

pytestmark = pytest.mark.django_db


def tiny_lens(*, name: str = "Tiny lens", choice_title: str = "Keep backups") -> dict:
    choices = [{"id": "backups", "title": choice_title, "improvementPlan": {"displayText": "Start today."}}]
    rules = [{"condition": "!backups", "risk": "HIGH_RISK"}, {"condition": "default", "risk": "NO_RISK"}]
    question = {
        "id": "rel_1",
        "title": "How do you back up?",
        "description": "",
        "choices": choices,
        "riskRules": rules,
    }
    pillar = {"id": "reliability", "name": "Reliability", "questions": [question]}
    return {"schemaVersion": "2021-11-01", "name": name, "description": "For tests.", "pillars": [pillar]}


def lens_file(tmp_path: Path, document: dict | str, name: str = "lens.json") -> Path:
    path = tmp_path / name
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def run(command: str, *args: str) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command(command, *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def db_counts() -> tuple[int, int, int]:
    return Lens.objects.count(), Question.objects.count(), Choice.objects.count()


# import_lens


def test_import_lens_prints_what_it_imported_how_fast_and_in_how_many_queries(tmp_path: Path) -> None:
    stdout, _ = run("import_lens", str(lens_file(tmp_path, tiny_lens())))

    assert re.fullmatch(
        r"Imported Tiny lens as tiny-lens v1 \(draft\): 1 pillars, 1 questions, 1 choices, 2 risk rules "
        r"in \d+ ms \(\d+ queries\)\n",
        stdout,
    )


def test_import_lens_prints_each_warning_on_its_own_line_before_the_summary(tmp_path: Path) -> None:
    stdout, _ = run("import_lens", str(lens_file(tmp_path, tiny_lens(name="n" * 130, choice_title="t" * 129))))

    lines = stdout.splitlines()
    assert lines[:2] == [
        "warning: name: is 130 characters; AWS allows at most 128",
        "warning: pillars[0].questions[0].choices[0].title: is 129 characters; AWS allows at most 128",
    ]
    assert lines[2].startswith(f"Imported {'n' * 130} as ")


def test_import_lens_with_a_slug_imports_under_that_slug(tmp_path: Path) -> None:
    run("import_lens", str(lens_file(tmp_path, tiny_lens())), "--slug", "backups")

    assert Lens.objects.get().slug == "backups"


def test_import_lens_of_an_existing_slug_imports_the_next_version(tmp_path: Path) -> None:
    path = lens_file(tmp_path, tiny_lens())
    run("import_lens", str(path))

    stdout, _ = run("import_lens", str(path))

    assert stdout.startswith("Imported Tiny lens as tiny-lens v2 (draft): ")


def test_import_lens_of_a_bad_file_lists_every_error_and_changes_nothing(tmp_path: Path) -> None:
    document = tiny_lens()
    document["schemaVersion"] = "2020-01-01"
    document["pillars"][0]["questions"][0]["riskRules"][0]["condition"] = "!backup"
    path = lens_file(tmp_path, document)
    before = db_counts()

    with pytest.raises(CommandError) as caught:
        run("import_lens", str(path))

    assert str(caught.value).splitlines() == [
        f"{path} was not imported (2 errors; the database is unchanged):",
        'schemaVersion: must be "2021-11-01", got "2020-01-01"',
        "pillars[0].questions[0].riskRules[0].condition: unknown choice 'backup' at column 2",
    ]
    assert db_counts() == before


def test_import_lens_of_malformed_json_says_where_and_changes_nothing(tmp_path: Path) -> None:
    path = lens_file(tmp_path, '{"schemaVersion": "2021-11-01",}')
    before = db_counts()

    with pytest.raises(CommandError, match=r"line 1, column 32: not valid JSON \(Expecting property name"):
        run("import_lens", str(path))
    assert db_counts() == before


def test_import_lens_of_a_missing_file_says_it_cannot_read_it(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=re.escape("missing.json: cannot read the file")):
        run("import_lens", str(tmp_path / "missing.json"))


def test_import_lens_from_the_shell_exits_with_status_1_and_prints_the_errors_on_stderr(tmp_path: Path) -> None:
    path = lens_file(tmp_path, '{"schemaVersion": NaN}')
    # The child gets a throwaway SQLite database: a refused file must not need, or touch, a real one.
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["WAREVIEW_VAR_DIR"] = str(tmp_path)

    completed = subprocess.run(
        [sys.executable, "manage.py", "import_lens", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 1
    assert "line 1, column 19: NaN is not valid JSON" in completed.stderr
    assert completed.stdout == ""


# export_lens


def test_export_lens_writes_the_lens_as_json_indented_by_two(tmp_path: Path) -> None:
    lens = lens_import(text=json.dumps(tiny_lens())).lens
    output = tmp_path / "out.json"

    stdout, _ = run("export_lens", "tiny-lens", "--output", str(output))

    text = output.read_text(encoding="utf-8")
    assert text == json.dumps(lens_export(lens=lens).document, indent=2) + "\n"
    assert stdout == f"Exported Tiny lens (tiny-lens v1) to {output}\n"


def test_export_lens_to_a_dash_writes_the_json_to_stdout() -> None:
    lens_import(text=json.dumps(tiny_lens()))

    stdout, _ = run("export_lens", "tiny-lens", "--output", "-")

    assert json.loads(stdout)["name"] == "Tiny lens"


def test_export_lens_keeps_non_ascii_characters_as_they_are() -> None:
    lens_import(text=json.dumps(tiny_lens(name="Lentille d'été")), slug="ete")

    stdout, _ = run("export_lens", "ete", "--output", "-")

    assert '"name": "Lentille d\'été"' in stdout


def test_export_lens_exports_the_latest_version_unless_told_which() -> None:
    lens_import(text=json.dumps(tiny_lens(name="First")), slug="backups")
    lens_import(text=json.dumps(tiny_lens(name="Second")), slug="backups")

    assert json.loads(run("export_lens", "backups", "--output", "-")[0])["name"] == "Second"
    assert json.loads(run("export_lens", "backups", "--version", "1", "--output", "-")[0])["name"] == "First"


def test_export_lens_prints_warnings_on_stderr() -> None:
    lens_import(text=json.dumps(tiny_lens(choice_title="t" * 129)))

    stdout, stderr = run("export_lens", "tiny-lens", "--output", "-")

    assert stderr == "warning: pillars[0].questions[0].choices[0].title: is 129 characters; AWS allows at most 128\n"
    assert json.loads(stdout)["pillars"][0]["questions"][0]["choices"][0]["title"] == "t" * 129


def test_export_lens_of_an_unknown_slug_says_there_is_no_such_lens() -> None:
    with pytest.raises(CommandError, match=r"^There is no lens with the slug 'nothing'\.$"):
        run("export_lens", "nothing", "--output", "-")


def test_export_lens_of_an_unknown_version_names_the_versions_there_are() -> None:
    lens_import(text=json.dumps(tiny_lens()))
    lens_import(text=json.dumps(tiny_lens()))

    with pytest.raises(CommandError, match=r"^The lens 'tiny-lens' has no version 3; its versions are 1, 2\.$"):
        run("export_lens", "tiny-lens", "--version", "3", "--output", "-")


def test_import_lens_refuses_a_file_with_a_nul_character_naming_its_path(tmp_path: Path) -> None:
    document = tiny_lens()
    document["pillars"][0]["questions"][0]["choices"][0]["title"] = "Keep\u0000backups"

    with pytest.raises(CommandError) as refusal:
        run("import_lens", str(lens_file(tmp_path, document)))

    assert "was not imported (1 error; the database is unchanged)" in str(refusal.value)
    assert "pillars[0].questions[0].choices[0].title: contains a NUL character (\\u0000)" in str(refusal.value)
    assert db_counts() == (0, 0, 0)


def test_import_lens_refuses_a_file_with_a_lone_surrogate_naming_its_path(tmp_path: Path) -> None:
    document = tiny_lens()
    document["pillars"][0]["questions"][0]["choices"][0]["title"] = "Keep\ud800backups"

    with pytest.raises(CommandError) as refusal:
        run("import_lens", str(lens_file(tmp_path, document)))

    assert "pillars[0].questions[0].choices[0].title: contains a lone surrogate" in str(refusal.value)
    assert db_counts() == (0, 0, 0)
