"""A deleted PDF job (of either kind) takes its file with it: deleting a review or a workload (whose reports go by
cascade, which sends this signal for each row, and whose PDFs of several workloads go with it) leaves no PDF
behind in the storage. `report_ready` tells other apps (webhooks) that a PDF is ready."""

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import Signal, receiver

from wareview.reports.models import PdfJob, PortfolioReport, Report
from wareview.workloads.models import Workload

# Sent once a PDF is stored and its report marked ready, after the commit. Arguments: `report` (loaded with its
# review's workload and team, and its milestone).
report_ready = Signal()


@receiver(post_delete, sender=Report, dispatch_uid="reports.report_file_delete")
@receiver(post_delete, sender=PortfolioReport, dispatch_uid="reports.portfolio_report_file_delete")
def job_file_delete(sender: type[PdfJob], instance: PdfJob, using: str, **kwargs: Any) -> None:
    # After the commit, so a deletion that rolls back keeps its file.
    if instance.file:
        transaction.on_commit(partial(instance.file.storage.delete, instance.file.name), using=using)


@receiver(pre_delete, sender=Workload, dispatch_uid="reports.workload_portfolio_reports_delete")
def workload_portfolio_reports_delete(sender: type[Workload], instance: Workload, using: str, **kwargs: Any) -> None:
    # A PDF of several workloads shows this one too: it goes with it, as a review's PDFs go with their review.
    PortfolioReport.objects.using(using).filter(workloads=instance).delete()
