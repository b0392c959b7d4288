"""load_question_sets: missing lens versions are loaded from fixtures; an existing version never changes."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from wareview.lenses.models import Choice, Lens, Question
from wareview.lenses.services import lens_publish
from wareview.reviews.services import review_start

pytestmark = pytest.mark.django_db

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "performance_efficiency.json"
SLUG = "performance-efficiency"


def load(*paths: Path) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("load_question_sets", *map(str, paths), stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def fixture_copy(tmp_path: Path, change=None, name: str = "copy.json") -> Path:
    entries = json.loads(FIXTURE.read_text())
    if change:
        change(entries)
    path = tmp_path / name
    path.write_text(json.dumps(entries))
    return path


def drop_last_lens_row(entries: list[dict]) -> None:
    # The practice checks come last, and are no part of what a published version freezes.
    entries.remove(next(entry for entry in reversed(entries) if entry["model"] != "lenses.practicecheck"))


def retitle_first_question(entries: list[dict]) -> None:
    next(entry for entry in entries if entry["model"] == "lenses.question")["fields"]["title"] = "Rewritten?"


def as_version_two(entries: list[dict]) -> None:
    text = json.dumps(entries).replace(f'"{SLUG}", 1', f'"{SLUG}", 2').replace('"version": 1', '"version": 2')
    entries[:] = json.loads(text)


def question_titles(lens: Lens) -> list[str]:
    return list(Question.objects.filter(pillar__lens=lens).order_by("code").values_list("title", flat=True))


def test_with_no_argument_every_fixture_is_loaded():
    stdout, stderr = load()

    lens = Lens.objects.get(slug=SLUG, version=1)
    assert lens.is_published
    assert Question.objects.filter(pillar__lens=lens).count() == 12
    assert f"{FIXTURE}: {SLUG} v1 loaded (147 rows)." in stdout
    assert stderr == ""


def test_loading_again_changes_nothing_and_says_so():
    load(FIXTURE)
    counts = (Lens.objects.count(), Question.objects.count(), Choice.objects.count())

    stdout, stderr = load(FIXTURE)

    assert (Lens.objects.count(), Question.objects.count(), Choice.objects.count()) == counts
    assert f"{SLUG} v1 is already loaded and unchanged." in stdout
    assert stderr == ""


def test_a_changed_published_fixture_leaves_the_reviews_questions_alone_and_names_the_version(tmp_path, cast):
    load(FIXTURE)
    lens = Lens.objects.get(slug=SLUG, version=1)
    review = review_start(workload=cast.workload, lens=lens, user=cast.owner)
    titles = question_titles(lens)
    changed = fixture_copy(tmp_path, retitle_first_question)

    stdout, stderr = load(changed)  # no CommandError: the exit status stays 0

    assert question_titles(review.lens) == titles
    assert "Rewritten?" not in question_titles(lens)
    assert f"{changed}: {SLUG} v1 differs from the published {SLUG} v1 in the database" in stderr
    assert "Give the changed question set a new version number (v2 is the next free one)." in stderr
    assert stdout == ""


def test_a_fixture_that_drops_a_row_of_a_published_version_is_reported_and_changes_nothing(tmp_path):
    load(FIXTURE)
    counts = Choice.objects.count()

    _, stderr = load(fixture_copy(tmp_path, drop_last_lens_row))

    assert Choice.objects.count() == counts
    assert f"{SLUG} v1 differs from the published" in stderr


def test_a_new_version_number_in_the_fixture_is_loaded_beside_the_published_one(tmp_path):
    load(FIXTURE)

    stdout, _ = load(fixture_copy(tmp_path, lambda entries: (retitle_first_question(entries), as_version_two(entries))))

    assert f"{SLUG} v2 loaded" in stdout
    assert "Rewritten?" in question_titles(Lens.objects.get(slug=SLUG, version=2))
    assert "Rewritten?" not in question_titles(Lens.objects.get(slug=SLUG, version=1))


def test_a_draft_in_the_database_is_left_as_edited_with_a_warning(tmp_path):
    def as_draft(entries: list[dict]) -> None:
        entries[0]["fields"].update(status="draft", published_at=None)

    load(fixture_copy(tmp_path, as_draft, name="draft.json"))
    draft = Lens.objects.get(slug=SLUG, version=1)
    Question.objects.filter(pillar__lens=draft, code="PERF_01").update(title="Edited in the admin?")

    _, stderr = load(fixture_copy(tmp_path, as_draft, name="draft.json"))

    assert Question.objects.get(pillar__lens=draft, code="PERF_01").title == "Edited in the admin?"
    assert f"{SLUG} v1 differs from the draft {SLUG} v1 in the database, which was left as is" in stderr


def test_a_fixture_published_since_it_was_loaded_as_a_draft_is_reported_not_republished(tmp_path):
    def as_draft(entries: list[dict]) -> None:
        entries[0]["fields"].update(status="draft", published_at=None)

    load(fixture_copy(tmp_path, as_draft))
    lens_publish(lens=Lens.objects.get(slug=SLUG, version=1))

    _, stderr = load(fixture_copy(tmp_path, as_draft))

    assert f"{SLUG} v1 differs from the published {SLUG} v1" in stderr


def test_a_fixture_that_is_not_a_list_of_lens_rows_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"model": "auth.user", "fields": {"username": "x"}}]))

    with pytest.raises(CommandError, match=r"bad.json: row 0: not a lens row with natural keys"):
        load(bad)

    assert not Lens.objects.exists()


def test_make_run_and_the_compose_web_service_load_question_sets_without_loaddata():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()

    for start in (makefile, compose):
        assert "load_question_sets" in start
        assert "loaddata" not in start


# The workload profile is part of a version's frozen content


def with_profile(title: str = "Does the workload keep a cache?"):
    def change(entries: list[dict]) -> None:
        entries.append(
            {
                "model": "lenses.profilequestion",
                "fields": {"lens": [SLUG, 1], "code": "keeps_cache", "title": title, "options": [], "order": 0},
            }
        )
        choice = next(entry for entry in entries if entry["model"] == "lenses.choice")
        choice["fields"]["applies_when"] = "keeps_cache"

    return change


def test_a_fixture_with_a_profile_loads_it_and_loading_again_finds_it_unchanged(tmp_path):
    path = fixture_copy(tmp_path, with_profile())

    first, _ = load(path)
    again, stderr = load(path)

    lens = Lens.objects.get(slug=SLUG, version=1)
    assert list(lens.profile_questions.values_list("code", flat=True)) == ["keeps_cache"]
    assert Choice.objects.filter(question__pillar__lens=lens, applies_when="keeps_cache").count() == 1
    assert f"{SLUG} v1 loaded (148 rows)." in first
    assert f"{SLUG} v1 is already loaded and unchanged." in again
    assert stderr == ""


@pytest.mark.parametrize(
    "change",
    [with_profile("Is there a cache?"), None],
    ids=["a profile question retitled", "the profile left out"],
)
def test_a_fixture_whose_profile_differs_from_the_published_version_is_reported_and_not_loaded(tmp_path, change):
    load(fixture_copy(tmp_path, with_profile(), name="first.json"))

    stdout, stderr = load(fixture_copy(tmp_path, change, name="changed.json"))

    lens = Lens.objects.get(slug=SLUG, version=1)
    assert list(lens.profile_questions.values_list("title", flat=True)) == ["Does the workload keep a cache?"]
    assert f"differs from the published {SLUG} v1 in the database" in stdout + stderr
