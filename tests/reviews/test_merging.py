"""The three-way merge of an answer, alone (no database)."""

from hypothesis import given, settings
from hypothesis import strategies as st

from wareview.reviews.merging import AnswerState, changed_fields, merge

# No per-example deadline: on a loaded 2-core runner one example may take longer than hypothesis's 200 ms.
PROPERTY = settings(database=None, deadline=None)
ORDER = ["a", "b", "c", "no"]
NONE = {"no"}

states = st.builds(
    AnswerState,
    selected=st.lists(st.sampled_from(["a", "b", "c"]), unique=True).map(lambda codes: sorted(codes)),
    not_applicable=st.booleans(),
    reason=st.sampled_from(["", "other"]),
    notes=st.sampled_from(["", "one note", "another note"]),
    practices_not_applicable=st.dictionaries(
        st.sampled_from(["a", "b", "c"]),
        st.fixed_dictionaries(
            {"reason": st.sampled_from(["other", "out_of_scope"]), "note": st.sampled_from(["", "n"])}
        ),
    ),
).map(
    lambda s: AnswerState(
        s.selected,
        s.not_applicable,
        s.reason if s.not_applicable else "",
        s.notes,
        {code: mark for code in ORDER if (mark := s.practices_not_applicable.get(code))},
    )
)


def merged(base, theirs, mine):
    return merge(
        base=base, theirs=theirs, mine=mine, mine_changed=changed_fields(base, mine), order=ORDER, none_codes=NONE
    )


def test_different_practices_ticked_on_both_sides_are_both_kept():
    base = AnswerState(selected=["a"])
    result = merged(base, AnswerState(selected=["a", "b"]), AnswerState(selected=["a", "c"], notes="mine"))
    assert result.state == AnswerState(selected=["a", "b", "c"], notes="mine")


def test_a_practice_unticked_by_me_and_kept_by_them_is_unticked():
    base = AnswerState(selected=["a", "b"])
    result = merged(base, AnswerState(selected=["a", "b"], notes="theirs"), AnswerState(selected=["a"]))
    assert result.state == AnswerState(selected=["a"], notes="theirs")


def test_notes_changed_both_ways_overlap():
    base = AnswerState(notes="old")
    result = merged(base, AnswerState(notes="theirs"), AnswerState(notes="mine", selected=["a"]))
    assert (result.state, result.overlap) == (None, {"notes"})


def test_the_applicability_and_its_reason_are_one_field():
    base = AnswerState()
    theirs = AnswerState(not_applicable=True, reason="other")
    result = merged(base, theirs, AnswerState(selected=["b"]))
    assert result.state == AnswerState(selected=["b"], not_applicable=True, reason="other")


def test_a_practice_marked_as_not_applying_by_one_and_another_ticked_by_the_other_are_both_kept():
    mark = {"reason": "out_of_scope", "note": "Batch jobs only."}
    theirs = AnswerState(practices_not_applicable={"a": mark})
    result = merged(AnswerState(), theirs, AnswerState(selected=["b"]))
    assert result.state == AnswerState(selected=["b"], practices_not_applicable={"a": mark})


def test_one_practice_ticked_by_one_and_marked_as_not_applying_by_the_other_overlaps():
    theirs = AnswerState(practices_not_applicable={"a": {"reason": "other", "note": ""}})
    result = merged(AnswerState(), theirs, AnswerState(selected=["a"]))
    assert (result.state, result.overlap) == (None, {"practice:a"})


def test_the_reason_of_a_mark_changed_both_ways_overlaps():
    base = AnswerState(practices_not_applicable={"a": {"reason": "other", "note": ""}})
    theirs = AnswerState(practices_not_applicable={"a": {"reason": "out_of_scope", "note": ""}})
    mine = AnswerState(practices_not_applicable={"a": {"reason": "business_priorities", "note": ""}})
    assert merged(base, theirs, mine).overlap == {"practice:a"}


def test_none_of_these_beside_a_practice_overlaps():
    result = merged(AnswerState(), AnswerState(selected=["no"]), AnswerState(selected=["a"]))
    assert result.state is None
    assert result.overlap == {"practice:a", "practice:no"}


@PROPERTY
@given(base=states, theirs=states)
def test_when_i_changed_nothing_the_merge_is_theirs(base, theirs):
    assert merged(base, theirs, base).state == theirs


@PROPERTY
@given(base=states, mine=states)
def test_when_nobody_else_saved_the_merge_is_mine(base, mine):
    assert merged(base, base, mine).state == mine


@PROPERTY
@given(base=states, theirs=states, mine=states)
def test_a_merge_keeps_every_field_changed_on_one_side_only(base, theirs, mine):
    result = merged(base, theirs, mine)
    if result.state is None:
        assert result.overlap
        return
    for name in changed_fields(base, mine):
        assert name not in result.overlap
    assert changed_fields(mine, result.state) <= changed_fields(base, theirs)
    assert changed_fields(theirs, result.state) <= changed_fields(base, mine)
