from django.db import migrations, models
from django.db.models.functions import Coalesce


def give_waiting_deliveries_a_due_time(apps, schema_editor):
    """Deliveries being sent that were queued before next_attempt_at was set at every queueing (a first try, "Send
    again") get one, so the sweep can find them if their message was lost."""
    Delivery = apps.get_model("webhooks", "Delivery")
    waiting = Delivery.objects.filter(status="pending", next_attempt_at=None)
    waiting.update(next_attempt_at=Coalesce("last_attempt_at", "created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("status", "pending")), fields=["next_attempt_at"], name="webhook_delivery_due"
            ),
        ),
        migrations.RunPython(give_waiting_deliveries_a_due_time, migrations.RunPython.noop),
    ]
