import pytest

from tests.factories import build_profiled_lens
from wareview.reviews.services import review_start
from wareview.workloads.models import Workload


@pytest.fixture
def profiled(cast):
    """The cast's team with a workload, Storefront, under review on a lens that asks a workload profile (see
    `build_profiled_lens`); no profile answered yet."""
    cast.profiled_lens = build_profiled_lens()
    cast.storefront = Workload.objects.create(team=cast.team, name="Storefront", created_by=cast.owner)
    cast.profiled_review = review_start(workload=cast.storefront, lens=cast.profiled_lens, user=cast.owner)
    return cast
