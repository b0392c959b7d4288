"""The plan's side of the reviews app's signals (connected in apps.PlansConfig.ready)."""

from wareview.plans import services


def answer_practices_changed(
    sender, *, answer, user, before: tuple[str, ...], after: tuple[str, ...], **kwargs
) -> None:
    ticked = set(after) - set(before)
    unticked = set(before) - set(after)
    if ticked or unticked:
        services.items_follow_answer(answer=answer, user=user, ticked=ticked, unticked=unticked)
