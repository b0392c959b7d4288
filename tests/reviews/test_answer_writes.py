"""A save writes the answer and its history through the ORM, so what the models say applies by construction: a
field added to the history with a default is written on every save, where a statement written out by hand would
leave it out (Django's AddField drops the database's default once the column is filled, so the database alone
would refuse the row, and `makemigrations --check` cannot see it)."""

import pytest
from django.db import connection, models
from django.urls import reverse

from wareview.reviews.models import Answer, AnswerChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def history_with_a_new_field():
    """AnswerChange with a NOT NULL field that has a default, its column added as a migration's AddField adds it."""
    # The test's transaction is rolled back, and the column with it (PostgreSQL's DDL is transactional).
    assert connection.in_atomic_block and connection.features.can_rollback_ddl
    field = models.CharField(max_length=20, default="web")
    field.contribute_to_class(AnswerChange, "origin")
    try:
        with connection.schema_editor() as editor:
            editor.add_field(AnswerChange, field)
        yield field
    finally:
        AnswerChange._meta.local_fields.remove(field)
        AnswerChange._meta._expire_cache()
        delattr(AnswerChange, "origin")


def test_a_save_writes_a_field_the_history_gained_with_a_default(client, cast, history_with_a_new_field):
    client.force_login(cast.contributor)
    url = reverse("reviews:question", args=[cast.review.pk, "Q_01"])
    response = client.post(url, {"version": 0, "selected": ["q_01_a"], "reason": "", "notes": ""})
    assert response.status_code == 302
    answer = Answer.objects.get(review=cast.review, question__code="Q_01")
    assert (answer.version, answer.selected) == (1, ["q_01_a"])
    assert list(AnswerChange.objects.filter(answer=answer).values_list("origin", "version")) == [("web", 1)]


def test_the_history_is_as_it_was_after_the_field_is_gone(client, cast):
    # The fixture above leaves the model as the migrations make it.
    assert "origin" not in {field.name for field in AnswerChange._meta.get_fields()}
    client.force_login(cast.contributor)
    url = reverse("reviews:question", args=[cast.review.pk, "Q_01"])
    assert client.post(url, {"version": 0, "selected": ["q_01_a"], "reason": "", "notes": ""}).status_code == 302
    assert AnswerChange.objects.filter(answer__review=cast.review).count() == 1
