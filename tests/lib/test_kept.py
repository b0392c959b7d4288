from wareview.lib.kept import Kept


def test_a_full_store_starts_again_rather_than_growing():
    kept: Kept[int, str] = Kept(maxsize=2)
    kept.keep(1, "one")
    kept.keep(2, "two")
    kept.keep(3, "three")
    assert (kept.get(1), kept.get(2), kept.get(3)) == (None, None, "three")


def test_clear_all_forgets_what_every_store_kept():
    first: Kept[int, str] = Kept(maxsize=8)
    second: Kept[str, int] = Kept(maxsize=8)
    first.keep(1, "one")
    second.keep("two", 2)
    Kept.clear_all()
    assert first.get(1) is None
    assert second.get("two") is None
