"""Fill the order keys of the items written before the plans kept them: each started plan is brought in step with
its review's answers and lens version by the service that keeps them (`plan_sync`)."""

from django.db import migrations


def fill_keys(apps, schema_editor):
    item_model = apps.get_model("plans", "ImprovementItem")
    review_ids = list(item_model.objects.values_list("review_id", flat=True).distinct())
    if not review_ids:
        return  # a new database: nothing to fill, and the app's own models are left alone
    from wareview.plans.services import plan_sync
    from wareview.reviews.models import Review

    for review in Review.objects.filter(pk__in=review_ids).select_related("lens", "workload__team"):
        plan_sync(review=review, start=False)


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_plan_order_keys"),
    ]

    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop, elidable=True)]
