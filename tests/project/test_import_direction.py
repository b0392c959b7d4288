"""Imports flow one way: views → services/selectors → models, tasks → services, shared helpers in wareview/lib.
Read from the source, so a stray import fails here before it makes a cycle."""

import ast
from pathlib import Path

from django.conf import settings

PACKAGE = Path(settings.BASE_DIR) / "wareview"


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_report_services_do_not_import_their_tasks():
    assert not {name for name in imports_of(PACKAGE / "reports" / "services.py") if "tasks" in name}


def test_the_reviews_app_imports_nothing_from_the_reports_app():
    for path in (PACKAGE / "reviews").rglob("*.py"):
        assert not [name for name in imports_of(path) if name.startswith("wareview.reports")], path


def test_the_shared_helpers_import_no_app():
    for path in (PACKAGE / "lib").rglob("*.py"):
        names = imports_of(path)
        assert not [name for name in names if name.startswith("wareview.") and not name.startswith("wareview.lib")]


def test_the_reviews_app_imports_nothing_from_the_plans_app():
    # The plan follows the answers through reviews.signals; the reviews app never knows it is there.
    for path in (PACKAGE / "reviews").rglob("*.py"):
        assert not [name for name in imports_of(path) if name.startswith("wareview.plans")], path


def test_the_reports_app_reads_only_the_plans_models():
    # plans builds on the report's selectors, so reports may read the plan's rows but nothing above them.
    for path in (PACKAGE / "reports").rglob("*.py"):
        names = [name for name in imports_of(path) if name.startswith("wareview.plans")]
        assert all(name.startswith("wareview.plans.models") for name in names), path


def test_no_app_imports_the_webhooks_app():
    # The apps send signals after commit (milestone_saved, review_completed, report_ready, items_changed) and
    # webhooks listens: none of them knows it is there.
    for path in PACKAGE.rglob("*.py"):
        if "webhooks" in path.parts:
            continue
        assert not [name for name in imports_of(path) if name.startswith("wareview.webhooks")], path


def test_the_webhook_services_do_not_import_their_tasks():
    assert not {name for name in imports_of(PACKAGE / "webhooks" / "services.py") if "tasks" in name}


def app_of(name: str) -> str | None:
    """The app a module name belongs to (`wareview.reviews.services` → `reviews`), or None outside wareview."""
    parts = name.split(".")
    return parts[1] if parts[0] == "wareview" and len(parts) > 1 else None


def apps_imported(paths) -> set[str]:
    return {app for path in paths for name in imports_of(path) for app in [app_of(name)] if app}


def test_a_management_command_reaches_no_further_than_its_own_app_does():
    # The demo app sets up data across every app: it is the one place allowed to import them all.
    for command in PACKAGE.glob("*/management/commands/*.py"):
        app = command.parts[-4]
        if app == "demo":
            continue
        own = [path for path in (PACKAGE / app).rglob("*.py") if "management" not in path.parts]
        reach = apps_imported(own) | {app, "lib"}
        assert apps_imported([command]) <= reach, command


def test_the_teams_and_audit_apps_import_no_app_built_on_them():
    # Teams and the audit log are at the bottom: workloads, reviews and the rest build on them.
    assert apps_imported((PACKAGE / "teams").rglob("*.py")) <= {"teams", "audit", "lib"}
    assert apps_imported((PACKAGE / "audit").rglob("*.py")) <= {"audit", "lib"}


def test_views_leave_transactions_to_the_services():
    # A view parses, calls one service and renders: a flow that needs several writes at once is a service.
    for path in PACKAGE.glob("*/views.py"):
        assert "django.db.transaction" not in imports_of(path), path


def test_the_evidence_app_builds_on_reviews_which_reads_it_only_through_its_selectors_in_views():
    # Evidence belongs to answers; the question page's view reads each practice's evidence and failing checks,
    # nothing else of reviews knows the app is there.
    assert apps_imported((PACKAGE / "evidence").rglob("*.py")) <= {"evidence", "reviews", "lenses", "teams", "lib"}
    for path in (PACKAGE / "reviews").rglob("*.py"):
        names = [name for name in imports_of(path) if name.startswith("wareview.evidence")]
        readers = ("wareview.evidence.selectors", "wareview.evidence.findings.selectors")
        allowed = path.name == "views.py" and all(name.startswith(readers) for name in names)
        assert not names or allowed, path


def test_the_ops_app_is_on_top_and_reads_the_other_apps_only_through_django():
    # Backup and restore cover every app's tables and files through the app registry, introspection and the
    # storage, so a new app is backed up without a change there: ops imports no app, and no app imports ops.
    assert apps_imported((PACKAGE / "ops").rglob("*.py")) <= {"ops", "lib"}
    for path in PACKAGE.rglob("*.py"):
        if "ops" not in path.relative_to(PACKAGE).parts:
            assert not [name for name in imports_of(path) if name.startswith("wareview.ops")], path


def test_the_profiles_app_builds_on_reviews_which_reads_it_only_through_its_selectors_in_views():
    # The profile marks answers through reviews.signals.review_started and its own services; of reviews, only the
    # views read where the walk starts (`profiles.selectors.review_walk`).
    below = {"profiles", "reviews", "lenses", "workloads", "teams", "lib"}
    assert apps_imported((PACKAGE / "profiles").rglob("*.py")) <= below
    for path in (PACKAGE / "reviews").rglob("*.py"):
        names = [name for name in imports_of(path) if name.startswith("wareview.profiles")]
        allowed = path.name == "views.py" and all(name.startswith("wareview.profiles.selectors") for name in names)
        assert not names or allowed, path


def test_the_review_templates_app_builds_on_reviews_which_never_imports_it():
    # Templates copy answers between reviews through the reviews app's services and its upgrade mapping; the
    # reviews app knows only `Answer.prefilled_from`, never the app that sets it.
    built_on = {"review_templates", "reviews", "lenses", "workloads", "teams", "lib"}
    assert apps_imported((PACKAGE / "review_templates").rglob("*.py")) <= built_on
    for path in PACKAGE.rglob("*.py"):
        if "review_templates" not in path.relative_to(PACKAGE).parts:
            assert not [name for name in imports_of(path) if name.startswith("wareview.review_templates")], path
