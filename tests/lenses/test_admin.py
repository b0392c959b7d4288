import html
import json

import pytest
from django.urls import reverse

from tests.factories import UserFactory, build_lens
from wareview.lenses.models import Lens, ProfileQuestion, Question, RiskRule
from wareview.lenses.services import lens_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


def question_form_data(question: Question, **changes) -> dict:
    """The POST body of the admin's question page, as the browser would send it unchanged."""
    data = {
        "pillar": question.pillar_id,
        "focus_area": question.focus_area_id,
        "order": question.order,
        "code": question.code,
        "title": question.title,
        "description": question.description,
        "helpful_resource_text": "",
        "helpful_resource_url": "",
    }
    choices = list(question.choices.all())
    data.update({"choices-TOTAL_FORMS": len(choices), "choices-INITIAL_FORMS": len(choices)})
    for index, choice in enumerate(choices):
        prefix = f"choices-{index}-"
        data.update(
            {
                prefix + "id": choice.pk,
                prefix + "question": question.pk,
                prefix + "order": choice.order,
                prefix + "code": choice.code,
                prefix + "title": choice.title,
                prefix + "description": "",
                prefix + "helpful_resource_text": "",
                prefix + "helpful_resource_url": "",
                prefix + "improvement_text": choice.improvement_text,
                prefix + "improvement_url": choice.improvement_url,
                prefix + "verification": choice.verification,
                prefix + "effort": choice.effort,
                prefix + "impact": choice.impact,
            }
        )
        if choice.is_none:
            data[prefix + "is_none"] = "on"
    rules = list(question.risk_rules.all())
    data.update({"risk_rules-TOTAL_FORMS": len(rules), "risk_rules-INITIAL_FORMS": len(rules)})
    for index, rule in enumerate(rules):
        prefix = f"risk_rules-{index}-"
        data.update(
            {
                prefix + "id": rule.pk,
                prefix + "question": question.pk,
                prefix + "order": rule.order,
                prefix + "condition": rule.condition,
                prefix + "risk": rule.risk,
            }
        )
    data.update(changes)
    return data


def draft_question() -> Question:
    lens = build_lens(status=Lens.Status.DRAFT)
    return Question.objects.get(pillar__lens=lens, code="Q_01")


@pytest.mark.parametrize("model", ["lens", "pillar", "question"])
def test_the_admin_lists_and_shows_every_part_of_a_lens(admin_client, model):
    lens = build_lens()
    objects = {
        "lens": lens,
        "pillar": lens.pillars.get(),
        "question": Question.objects.filter(pillar__lens=lens)[0],
    }
    assert admin_client.get(reverse(f"admin:lenses_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:lenses_{model}_change", args=[objects[model].pk])).status_code == 200


def test_an_admin_edits_a_draft_question_and_its_rules(admin_client):
    question = draft_question()
    data = question_form_data(question, title="How do you pick instance types?")
    data["risk_rules-1-condition"] = "!q_01_b || !q_01_c"
    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    question.refresh_from_db()
    assert question.title == "How do you pick instance types?"
    assert question.risk_rules.get(order=2).condition == "!q_01_b || !q_01_c"


def test_a_rule_naming_an_unknown_choice_is_refused_with_the_parser_message(admin_client):
    question = draft_question()
    data = question_form_data(question)
    data["risk_rules-0-condition"] = "q_01_no || !q_01_zz"
    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)
    assert response.status_code == 200
    assert "unknown choice &#x27;q_01_zz&#x27; at column 13" in response.content.decode()
    assert question.risk_rules.get(order=1).condition == "q_01_no || !q_01_a"


def test_a_malformed_rule_is_refused_with_its_position(admin_client):
    question = draft_question()
    data = question_form_data(question)
    data["risk_rules-0-condition"] = "(q_01_no || q_01_a"
    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)
    assert "unclosed &#x27;(&#x27; at column 1" in response.content.decode()
    assert not RiskRule.objects.filter(condition="(q_01_no || q_01_a").exists()


def test_a_rule_may_name_a_choice_added_in_the_same_save(admin_client):
    question = draft_question()
    data = question_form_data(question)
    data.update(
        {
            "choices-TOTAL_FORMS": 5,
            "choices-4-question": question.pk,
            "choices-4-order": 9,
            "choices-4-code": "q_01_new",
            "choices-4-title": "A new practice",
            "choices-4-improvement_text": "Do it.",
            "choices-4-improvement_url": "https://example.com",
        }
    )
    data["risk_rules-1-condition"] = "!q_01_b || !q_01_new"
    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)
    assert response.status_code == 302
    assert question.risk_rules.get(order=2).condition == "!q_01_b || !q_01_new"


def test_an_admin_gives_a_draft_practice_its_verification_effort_and_impact(admin_client):
    question = draft_question()
    data = question_form_data(question)
    data.update(
        {"choices-0-verification": "Ask for the runbook.", "choices-0-effort": "large", "choices-0-impact": "low"}
    )
    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)
    assert response.status_code == 302
    choice = question.choices.get(code="q_01_a")
    assert (choice.verification, choice.effort, choice.impact) == ("Ask for the runbook.", "large", "low")


def test_an_effort_outside_its_scale_is_refused_in_the_admin(admin_client):
    question = draft_question()
    data = question_form_data(question, **{"choices-0-effort": "huge"})
    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)
    assert response.status_code == 200
    assert "Select a valid choice. huge is not one of the available choices." in response.content.decode()
    assert question.choices.get(code="q_01_a").effort == ""


def test_a_published_question_is_shown_read_only_and_a_change_is_refused(admin_client):
    lens = build_lens(status=Lens.Status.PUBLISHED)
    question = Question.objects.get(pillar__lens=lens, code="Q_01")
    page = admin_client.get(reverse("admin:lenses_question_change", args=[question.pk]))
    assert page.status_code == 200
    assert 'name="title"' not in page.content.decode()
    assert 'name="choices-0-effort"' not in page.content.decode()
    response = admin_client.post(
        reverse("admin:lenses_question_change", args=[question.pk]),
        question_form_data(question, title="Changed?"),
    )
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.title != "Changed?"


def test_the_new_draft_action_copies_a_published_lens(admin_client):
    lens = build_lens()
    response = admin_client.post(
        reverse("admin:lenses_lens_changelist"),
        {"action": "new_draft", "_selected_action": [lens.pk]},
        follow=True,
    )
    assert "Created draft" in response.content.decode()
    draft = Lens.objects.get(slug=lens.slug, version=2)
    assert draft.status == Lens.Status.DRAFT
    assert Question.objects.filter(pillar__lens=draft).count() == 4


def test_the_publish_action_publishes_a_draft(admin_client):
    lens = build_lens(status=Lens.Status.DRAFT)
    admin_client.post(reverse("admin:lenses_lens_changelist"), {"action": "publish", "_selected_action": [lens.pk]})
    lens.refresh_from_db()
    assert lens.is_published


def test_a_signed_in_user_who_is_not_staff_is_sent_to_the_admin_sign_in(client):
    client.force_login(UserFactory(username="member"))
    response = client.get(reverse("admin:lenses_lens_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_admin_uploads_a_lens_file_and_gets_a_draft(admin_client, shared_dir):
    sample = shared_dir / "lens-samples" / "ORR-Lens_ORR-Whitepaper-Sample-PUBLISHED.json"
    with sample.open("rb") as upload:
        response = admin_client.post(reverse("admin:lenses_lens_import"), {"file": upload, "slug": "orr"})
    lens = Lens.objects.get(slug="orr")
    assert response["Location"] == reverse("admin:lenses_lens_change", args=[lens.pk])
    assert (lens.version, lens.status) == (1, Lens.Status.DRAFT)
    assert Question.objects.filter(pillar__lens=lens).count() == 16


def test_a_bad_lens_file_is_refused_with_every_problem_and_nothing_is_written(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = b'{"schemaVersion": "1999-01-01", "name": "Broken", "description": "", "pillars": []}'
    upload = SimpleUploadedFile("broken.json", document, content_type="application/json")
    response = admin_client.post(reverse("admin:lenses_lens_import"), {"file": upload})
    assert response.status_code == 400
    assert "schemaVersion: must be" in response.content.decode()
    assert not Lens.objects.exists()


def test_an_admin_downloads_a_lens_as_json(admin_client):
    import json

    lens = build_lens()
    response = admin_client.get(reverse("admin:lenses_lens_export", args=[lens.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{lens.slug}-v1.json"'
    document = json.loads(response.content)
    assert document["schemaVersion"] == "2021-11-01"
    assert [q["id"] for q in document["pillars"][0]["questions"]] == ["Q_01", "Q_02", "Q_03", "Q_04"]


def test_a_staff_member_without_lens_permissions_cannot_import_or_export(client):
    client.force_login(UserFactory(username="clerk", is_staff=True))
    lens = build_lens()
    assert client.get(reverse("admin:lenses_lens_import")).status_code == 403
    assert client.get(reverse("admin:lenses_lens_export", args=[lens.pk])).status_code == 403


@pytest.mark.parametrize("model", ["teams_team", "workloads_workload", "reports_report"])
def test_the_admin_lists_teams_workloads_and_report_jobs(admin_client, cast, model):
    assert admin_client.get(reverse(f"admin:{model}_changelist")).status_code == 200


def test_an_uploaded_lens_file_with_a_nul_character_is_refused_with_its_path_and_nothing_is_written(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = (
        b'{"schemaVersion": "2021-11-01", "name": "Nul\\u0000", "description": "", "pillars": [{"id": "rel",'
        b' "name": "Reliability", "questions": [{"id": "q1", "title": "Q?", "description": "", "riskRules": [],'
        b' "choices": [{"id": "c_no", "title": "None"}]}]}]}'
    )
    upload = SimpleUploadedFile("nul.json", document, content_type="application/json")

    response = admin_client.post(reverse("admin:lenses_lens_import"), {"file": upload})

    assert response.status_code == 400
    assert "name: contains a NUL character (\\u0000), which the database cannot store" in response.content.decode()
    assert not Lens.objects.exists()


def test_a_lens_file_over_the_size_limit_is_refused_with_both_sizes_and_nothing_is_written(admin_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.LENS_UPLOAD_MAX_BYTES = 1024
    document = b'{"schemaVersion": "2021-11-01", "name": "Big", "description": "' + b"x" * 2000 + b'", "pillars": []}'
    upload = SimpleUploadedFile("big.json", document, content_type="application/json")

    response = admin_client.post(reverse("admin:lenses_lens_import"), {"file": upload})

    assert response.status_code == 400
    assert "lens files may be at most 1.0\xa0KB" in response.content.decode()
    assert not Lens.objects.exists()


def test_the_lens_upload_limit_is_five_megabytes_unless_set():
    from django.conf import settings

    assert settings.LENS_UPLOAD_MAX_BYTES == 5 * 1024 * 1024


def second_version_question(code: str = "Q_02") -> Question:
    from wareview.lenses.services import lens_new_draft

    draft = lens_new_draft(lens=build_lens())
    return Question.objects.get(pillar__lens=draft, code=code)


def test_an_admin_maps_a_draft_question_and_practice_onto_the_previous_version(admin_client):
    question = second_version_question()
    data = question_form_data(
        question, replaces='["Q_01", "Q_02"]', **{"choices-0-replaces": '["Q_01/q_01_a", "Q_02/q_02_a"]'}
    )
    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.replaces == ["Q_01", "Q_02"]
    assert question.choices.get(code="q_02_a").replaces == ["Q_01/q_01_a", "Q_02/q_02_a"]


def test_a_mapping_the_previous_version_cannot_satisfy_is_refused_in_the_admin(admin_client):
    question = second_version_question()
    data = question_form_data(
        question,
        replaces='["Q_09"]',
        **{"choices-0-replaces": '["Q_01/q_01_zz"]', "choices-1-replaces": '["Q_01/q_01_a", "q_01_a"]'},
    )
    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "replaces[0]: names question 'Q_09', which v1 does not have" in body
    assert "replaces[0]: names 'Q_01/q_01_zz': v1's Q_01 has no choice 'q_01_zz'" in body
    assert "replaces[1]: 'q_01_a' is not \"<old question code>/<old choice code>\"" in body
    question.refresh_from_db()
    assert question.replaces == [] and not question.choices.exclude(replaces=[]).exists()


def test_a_page_saved_without_a_mapping_keeps_it_empty(admin_client):
    question = draft_question()
    response = admin_client.post(
        reverse("admin:lenses_question_change", args=[question.pk]), question_form_data(question, replaces="")
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.replaces == []


# The workload profile: its questions on the lens's page, the conditions on the question's


REACH = [{"code": "one_region", "label": "One region"}, {"code": "many_regions", "label": "Several regions"}]


def lens_form_data(lens: Lens, *profile: dict) -> dict:
    """The POST body of the admin's lens page with these profile questions added, the pillars unchanged."""
    data = {"name": lens.name, "slug": lens.slug, "version": lens.version, "description": lens.description}
    pillars = list(lens.pillars.all())
    data.update({"pillars-TOTAL_FORMS": len(pillars), "pillars-INITIAL_FORMS": len(pillars)})
    for index, pillar in enumerate(pillars):
        data.update(
            {
                f"pillars-{index}-id": pillar.pk,
                f"pillars-{index}-lens": lens.pk,
                f"pillars-{index}-order": pillar.order,
                f"pillars-{index}-code": pillar.code,
                f"pillars-{index}-name": pillar.name,
            }
        )
    data.update({"profile_questions-TOTAL_FORMS": len(profile), "profile_questions-INITIAL_FORMS": 0})
    for index, question in enumerate(profile):
        data.update({f"profile_questions-{index}-{name}": value for name, value in question.items()})
        data[f"profile_questions-{index}-lens"] = lens.pk
    return data


def a_profile_question(code: str, order: int = 0, options: list | None = None, **fields: object) -> dict:
    return {
        "order": order,
        "code": code,
        "title": f"{code}?",
        "description": "",
        "options": json.dumps(options) if options is not None else "",
        **fields,
    }


def test_an_admin_adds_profile_questions_to_a_draft_lens(admin_client):
    lens = build_lens(status=Lens.Status.DRAFT)
    data = lens_form_data(lens, a_profile_question("keeps_cache"), a_profile_question("reach", 1, REACH))

    response = admin_client.post(reverse("admin:lenses_lens_change", args=[lens.pk]), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert list(lens.profile_questions.order_by("order").values_list("code", "options")) == [
        ("keeps_cache", []),
        ("reach", REACH),
    ]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (a_profile_question("keeps cache"), "'keeps cache' is not a valid code"),
        (a_profile_question("reach", options=REACH[:1]), "options: a question with options has at least two"),
        (
            a_profile_question("reach", options=[REACH[0], {"code": "one_region", "label": "Again"}]),
            "options[1].code: 'one_region' is given twice in this question",
        ),
    ],
)
def test_a_malformed_profile_question_is_refused_with_words(admin_client, question, message):
    lens = build_lens(status=Lens.Status.DRAFT)

    response = admin_client.post(reverse("admin:lenses_lens_change", args=[lens.pk]), lens_form_data(lens, question))

    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not lens.profile_questions.exists()


def test_a_fact_given_twice_in_the_profile_is_refused(admin_client):
    lens = build_lens(status=Lens.Status.DRAFT)
    data = lens_form_data(lens, a_profile_question("reach", 0, REACH), a_profile_question("one_region", 1))

    response = admin_client.post(reverse("admin:lenses_lens_change", args=[lens.pk]), data)

    assert response.status_code == 200
    assert "The fact 'one_region' is given twice (first by the question reach)." in html.unescape(
        response.content.decode()
    )
    assert not lens.profile_questions.exists()


def test_a_published_lens_shows_its_profile_read_only_and_refuses_a_change(admin_client):
    draft = build_lens(status=Lens.Status.DRAFT)
    ProfileQuestion.objects.create(lens=draft, code="keeps_cache", title="Keeps a cache?")
    lens = lens_publish(lens=draft)

    page = admin_client.get(reverse("admin:lenses_lens_change", args=[lens.pk])).content.decode()

    assert "Keeps a cache?" in page
    assert 'name="profile_questions-0-title"' not in page
    response = admin_client.post(
        reverse("admin:lenses_lens_change", args=[lens.pk]), lens_form_data(lens, a_profile_question("faas"))
    )
    assert response.status_code == 403
    assert list(lens.profile_questions.values_list("code", flat=True)) == ["keeps_cache"]


def profiled_draft_question() -> Question:
    question = draft_question()
    lens = question.pillar.lens
    ProfileQuestion.objects.create(lens=lens, code="keeps_cache", title="Cache?", order=0)
    ProfileQuestion.objects.create(lens=lens, code="reach", title="Where?", options=REACH, order=1)
    return question


def test_an_admin_gives_a_question_and_its_practices_conditions_over_the_profile(admin_client):
    question = profiled_draft_question()
    data = question_form_data(
        question,
        first_when="many_regions",
        **{"choices-0-applies_when": "keeps_cache && !one_region", "choices-1-always_applies": "on"},
        **{"choices-2-replaces_needs_all": "on"},
    )

    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    question.refresh_from_db()
    assert question.first_when == "many_regions"
    a, b, c = (question.choices.get(code=f"q_01_{letter}") for letter in "abc")
    assert (a.applies_when, a.always_applies) == ("keeps_cache && !one_region", False)
    assert (b.applies_when, b.always_applies) == ("", True)
    assert c.replaces_needs_all


def test_conditions_naming_facts_the_profile_lacks_are_refused_with_the_parser_message(admin_client):
    question = profiled_draft_question()
    data = question_form_data(
        question, first_when="reach", **{"choices-0-applies_when": "keeps_cache || cdn", "choices-1-applies_when": "("}
    )

    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)

    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "unknown profile fact 'reach' at column 1" in body
    assert "unknown profile fact 'cdn' at column 16" in body
    assert "expected a choice code or '(' at column 2, found end of condition" in body
    question.refresh_from_db()
    assert question.first_when == "" and not question.choices.exclude(applies_when="").exists()


def test_a_practice_that_always_applies_with_a_condition_is_refused_and_so_is_none_of_these(admin_client):
    question = profiled_draft_question()
    none_index = next(index for index, choice in enumerate(question.choices.all()) if choice.is_none)
    data = question_form_data(
        question,
        **{"choices-0-applies_when": "keeps_cache", "choices-0-always_applies": "on"},
        **{f"choices-{none_index}-always_applies": "on"},
    )

    response = admin_client.post(reverse("admin:lenses_question_change", args=[question.pk]), data)

    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    assert "A practice that always applies has no condition: remove applies_when or always_applies." in body
    assert '"None of these" neither always applies nor has a condition: it is not a best practice.' in body
    assert not question.choices.filter(always_applies=True).exists()


def test_a_condition_in_a_lens_without_a_profile_is_refused_saying_so(admin_client):
    question = draft_question()

    response = admin_client.post(
        reverse("admin:lenses_question_change", args=[question.pk]), question_form_data(question, first_when="x")
    )

    assert response.status_code == 200
    assert "unknown profile fact 'x' at column 1 (the lens has no profile questions)" in html.unescape(
        response.content.decode()
    )


def new_question_data(question: Question, applies_when: str, pillar: object) -> dict:
    """The POST body of the admin's page adding a question with one practice that has a condition."""
    return {
        "pillar": pillar,
        "focus_area": question.focus_area_id,
        "order": 99,
        "code": "Q_NEW",
        "title": "A new question?",
        "description": "Guidance.",
        "choices-TOTAL_FORMS": 1,
        "choices-INITIAL_FORMS": 0,
        "choices-0-order": 0,
        "choices-0-code": "q_new_a",
        "choices-0-title": "A new practice",
        "choices-0-improvement_text": "Do it.",
        "choices-0-applies_when": applies_when,
        "risk_rules-TOTAL_FORMS": 0,
        "risk_rules-INITIAL_FORMS": 0,
    }


def test_a_new_question_s_practice_conditions_are_checked_against_its_lens_profile(admin_client):
    question = profiled_draft_question()
    url = reverse("admin:lenses_question_add")

    refused = admin_client.post(url, new_question_data(question, "keeps_cache && cdn", question.pillar_id))
    assert refused.status_code == 200
    assert "unknown profile fact 'cdn' at column 16" in html.unescape(refused.content.decode())
    assert not Question.objects.filter(code="Q_NEW").exists()

    added = admin_client.post(url, new_question_data(question, "keeps_cache", question.pillar_id))
    assert added.status_code == 302, added.context["errors"] if added.context else added
    assert Question.objects.get(code="Q_NEW").choices.get().applies_when == "keeps_cache"


def test_a_new_question_without_a_pillar_is_refused_before_its_conditions_are_read(admin_client):
    question = profiled_draft_question()

    response = admin_client.post(reverse("admin:lenses_question_add"), new_question_data(question, "cdn", ""))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Question.objects.filter(code="Q_NEW").exists()
