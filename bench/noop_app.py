"""The engine ceiling: the pipeline's Celery app and task chain with bodies that do nothing.

Same factory (``shared.celery_app.make_celery``), same decorator (``shared.tasks.pipeline_task``,
so the same names, queues, acks-late and retry policy), same worker signals and the same
worker command line as ``crosscheck.stack``; only the task bodies differ. The extract task
sends verify tasks for ``fanout`` claims in batches, as the real one does; each verify task
appends one entry per claim to ``STREAM``, as the real one publishes a verdict per claim.
Run it on its own logical database so real workers never see these messages::

    celery -A bench.noop_app worker -Q extract ...   # and -Q verify
"""

from __future__ import annotations

from shared.celery_app import TASK_EXTRACT, TASK_VERIFY, first_verify_kwargs, make_celery
from shared.runtime import get_redis, install_worker_signals
from shared.settings import get_settings
from shared.tasks import pipeline_task

STREAM = "bench:noop:done"

app = make_celery(get_settings(), name="crosscheck-bench-noop")
install_worker_signals()


@pipeline_task(app, name=TASK_EXTRACT)
def noop_extract(*, article_id: str, fanout: int = 1) -> None:
    """Send verify tasks for ``fanout`` claims, batched as extraction batches them."""
    claim_ids = [f"{article_id}:{n}" for n in range(fanout)]
    batch_size = get_settings().verify_batch_size
    for kwargs in first_verify_kwargs(article_id, claim_ids, batch_size=batch_size):
        app.send_task(TASK_VERIFY, kwargs=kwargs)


@pipeline_task(app, name=TASK_VERIFY)
def noop_verify(*, claim_ids: list[str], article_id: str) -> None:
    """One stream append per claim, as each verdict is published."""
    pipe = get_redis().pipeline(transaction=False)
    for claim_id in claim_ids:
        pipe.xadd(STREAM, {"claim_id": claim_id, "article_id": article_id})
    pipe.execute()
