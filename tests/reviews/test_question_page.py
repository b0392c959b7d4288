"""What the question page tells about each best practice under "About this practice"."""

import html
import re

import pytest
from django.urls import reverse

from tests.factories import build_lens
from wareview.lenses.models import Choice, Lens, Question
from wareview.lenses.services import lens_publish
from wareview.reviews.models import Answer
from wareview.reviews.services import review_start

pytestmark = pytest.mark.django_db

VERIFY = "Open the last load-test report: does it compare instance types?"


@pytest.fixture
def review(cast):
    """A review of a lens whose q_01_a says how to verify it, its effort and impact, and q_01_b only its impact
    (a published lens never changes, so they are given in the draft)."""
    draft = build_lens(status=Lens.Status.DRAFT)
    choices = Choice.objects.filter(question__pillar__lens=draft)
    choices.filter(code="q_01_a").update(verification=VERIFY, effort="small", impact="high")
    choices.filter(code="q_01_b").update(impact="medium")
    return review_start(workload=cast.workload, lens=lens_publish(lens=draft), user=cast.owner)


def practice_html(page: str, code: str) -> str:
    start = page.index(f'id="choice-{code}"')
    return page[start : page.index('<div class="practice">', start)]


def test_about_this_practice_says_how_to_verify_it_its_effort_and_its_impact(client, cast, review):
    client.force_login(cast.viewer)
    page = client.get(reverse("reviews:question", args=[review.pk, "Q_01"])).content.decode()

    first = practice_html(page, "q_01_a")
    assert f"<strong>How to verify:</strong> {VERIFY}" in first
    assert "Effort: Small · Impact: High" in first
    second = practice_html(page, "q_01_b")
    assert "Impact: Medium" in second
    assert "How to verify" not in second and "Effort:" not in second


def test_a_practice_whose_lens_does_not_say_shows_none_of_them(client, cast):
    client.force_login(cast.viewer)
    page = client.get(reverse("reviews:question", args=[cast.review.pk, "Q_01"])).content.decode()

    assert "About this practice" in page
    assert "How to verify" not in page and "Effort:" not in page and "Impact:" not in page


MARKUP = '<b>"bold" & more</b>'


@pytest.fixture
def review_of_odd_text(cast):
    """A review of a lens whose second question's code needs quoting in a URL, and whose texts hold markup."""
    draft = build_lens(status=Lens.Status.DRAFT)
    Question.objects.filter(pillar__lens=draft, code="Q_02").update(code="Q 02?&x", title=MARKUP)
    Choice.objects.filter(question__pillar__lens=draft, code="q_01_a").update(
        title=MARKUP, description=MARKUP, verification=MARKUP, improvement_url='https://example.com/?a=1&b="2"'
    )
    return review_start(workload=cast.workload, lens=lens_publish(lens=draft), user=cast.owner)


def test_the_texts_of_a_lens_are_shown_as_text_never_as_markup(client, cast, review_of_odd_text):
    client.force_login(cast.viewer)
    page = client.get(reverse("reviews:question", args=[review_of_odd_text.pk, "Q_01"])).content.decode()

    assert "<b>" not in page
    escaped = "&lt;b&gt;&quot;bold&quot; &amp; more&lt;/b&gt;"
    assert page.count(escaped) >= 5  # the practice's label, description, verification, its hidden legend, the nav
    assert 'href="https://example.com/?a=1&amp;b=&quot;2&quot;"' in page


def test_every_link_of_the_navigation_opens_its_question(client, cast, review_of_odd_text):
    client.force_login(cast.viewer)
    page = client.get(reverse("reviews:question", args=[review_of_odd_text.pk, "Q_01"])).content.decode()

    nav = page[page.index('<nav id="review-nav"') : page.index("</nav>", page.index('<nav id="review-nav"'))]
    links = [html.unescape(link) for link in re.findall(r'<a href="([^"]+)"', nav)]
    codes = [question.code for question in review_of_odd_text.lens.pillars.get().questions.order_by("order")]
    assert links == [reverse("reviews:question", args=[review_of_odd_text.pk, code]) for code in codes]
    assert links[1].endswith("/Q%2002%3F&x/")  # quoted as `reverse` quotes it
    for link in links:
        assert client.get(link).status_code == 200


def test_the_practices_and_the_navigation_entries_are_partials_of_the_page_template(client, cast):
    """A designer changes a best practice or a navigation entry in reviews/question.html: no tag builds them."""
    from django.template import engines

    from wareview.reviews.templatetags import reviews as review_tags

    for tag in ("practice", "nav_item", "review_nav"):
        assert tag not in review_tags.register.tags
    template = engines["django"].get_template("reviews/question.html#practice")
    client.force_login(cast.viewer)
    page = client.get(reverse("reviews:question", args=[cast.review.pk, "Q_01"]))
    choice = next(choice for choice in page.context["choices"] if not choice.is_none)
    names = ("selected", "practice_marks", "reasons", "person_reasons", "practice_note_limit")
    context = {name: page.context[name] for name in names} | {"choice": choice}
    assert template.render(context) in page.content.decode()


def test_each_practice_folds_its_mark_away_until_it_is_used(client, cast):
    client.force_login(cast.contributor)
    url = reverse("reviews:question", args=[cast.review.pk, "Q_01"])
    page = client.get(url).content.decode()
    assert page.count('<details class="practice-na">') == 3  # not "None of these"
    assert '<details class="practice-na" open>' not in page
    for code in ("q_01_a", "q_01_b", "q_01_c"):
        folded = page[page.index(f'id="choice-{code}"') :]
        folded = folded[
            folded.index('<details class="practice-na">') : folded.index("</details>", folded.index("practice-na"))
        ]
        assert f'id="practice-reason-{code}"' in folded and f'id="practice-note-{code}"' in folded

    client.post(
        url,
        {
            "version": Answer.objects.get(review=cast.review, question__code="Q_01").version,
            "selected": ["q_01_a"],
            "practice_not_applicable": ["q_01_b"],
            "practice_reason-q_01_b": "business_priorities",
            "reason": "",
            "notes": "",
        },
    )
    page = client.get(url).content.decode()
    assert page.count('<details class="practice-na" open>') == 1
    marked = page[page.index('<details class="practice-na" open>') :]
    assert marked.index('id="practice-na-q_01_b"') < marked.index("</details>")


def test_the_cached_navigation_and_practices_follow_a_save(client, cast):
    """Both lists are kept in a fragment cache: a save must show on the next page, not the cached one."""
    client.force_login(cast.contributor)
    url = reverse("reviews:question", args=[cast.review.pk, "Q_01"])
    before = client.get(url).content.decode()
    assert '<span id="nav-risk-Q_01"><span class="risk risk-UNANSWERED">' in before
    assert 'id="choice-q_01_a" checked' not in before

    version = Answer.objects.get(review=cast.review, question__code="Q_01").version
    client.post(url, {"version": version, "selected": ["q_01_a"], "reason": "", "notes": ""})

    after = client.get(url).content.decode()
    assert 'id="choice-q_01_a" checked' in after
    assert '<span id="nav-risk-Q_01"><span class="risk risk-UNANSWERED">' not in after
