"""One worker app for every service, and the priorities that order its stages."""

from __future__ import annotations

import fakeredis

from shared.celery_app import (
    PRIORITY_EXTRACT,
    PRIORITY_REFRESH,
    PRIORITY_STEPS,
    PRIORITY_VERIFY,
    ROUTES,
    TASK_EXTRACT,
    TASK_FETCH,
    TASK_VERIFY,
    batches,
    queue_depth,
    queue_keys,
    worker_app,
)


def test_the_combined_worker_runs_every_stage_on_the_services_app() -> None:
    from crosscheck.worker import app
    from services.extract.worker import app as extract_app
    from services.verify.worker import app as verify_app

    assert app is extract_app is verify_app is worker_app()
    assert {TASK_FETCH, TASK_EXTRACT, TASK_VERIFY} <= set(app.tasks)
    # Each task keeps its own queue, so docker-compose can still run a worker per service.
    assert {app.tasks[name].queue for name in ROUTES} == {"fetch", "extract", "verify"}


def test_priorities_put_first_verdicts_before_extraction_before_refreshes() -> None:
    assert PRIORITY_VERIFY < PRIORITY_EXTRACT < PRIORITY_REFRESH
    # Kombu rounds a priority to these steps; distinct steps keep the order.
    assert {PRIORITY_VERIFY, PRIORITY_EXTRACT, PRIORITY_REFRESH} <= set(PRIORITY_STEPS)
    assert ROUTES[TASK_VERIFY]["priority"] == PRIORITY_VERIFY
    assert ROUTES[TASK_EXTRACT]["priority"] == ROUTES[TASK_FETCH]["priority"] == PRIORITY_EXTRACT


def test_queue_keys_name_every_priority_list() -> None:
    keys = queue_keys("verify")
    assert keys[0] == "verify" and len(keys) == len(PRIORITY_STEPS)
    assert keys[-1] == "verify\x06\x169"


def test_batches_keep_order_and_cover_every_item_once() -> None:
    ids = [f"c{n}" for n in range(10)]
    assert batches(ids, 4) == [ids[0:4], ids[4:8], ids[8:10]]
    assert batches(ids, 100) == [ids]
    assert batches([], 4) == []


def test_queue_depth_counts_every_priority(fake_redis: fakeredis.FakeRedis) -> None:
    fake_redis.lpush("verify", "a", "b")
    fake_redis.lpush("verify\x06\x169", "c")
    fake_redis.lpush("extract\x06\x163", "d")
    assert queue_depth(fake_redis, "verify") == 3
    assert queue_depth(fake_redis, "extract") == 1


def test_worker_signals_connect_once_per_process_however_often_installed() -> None:
    # The combined worker imports both services' worker modules, each installing them.
    from celery.signals import task_postrun, task_prerun, worker_process_init

    from shared.runtime import install_worker_signals

    install_worker_signals()
    install_worker_signals()
    for signal, uid in (
        (worker_process_init, "crosscheck.init_process"),
        (task_prerun, "crosscheck.bind_task"),
        (task_postrun, "crosscheck.unbind_task"),
    ):
        assert sum(1 for key, _ in signal.receivers if key[0] == uid) == 1


def test_a_worker_killed_mid_redelivery_blocks_the_others_only_briefly() -> None:
    from shared.celery_app import make_celery
    from shared.settings import Settings

    for visibility, interval in ((5, 1), (60, 10), (3600, 10)):
        settings = Settings(
            redis_url="memory://", environment="test", visibility_timeout=visibility
        )
        options = make_celery(settings).conf.broker_transport_options
        assert options["visibility_timeout"] == visibility
        assert options["unacked_restore_interval"] == interval
        # kombu's default mutex lives 300 s: a kill mid-sweep would stall redelivery that long.
        assert options["unacked_mutex_expire"] == 2 * interval <= 20


def test_settling_the_heap_takes_live_objects_out_of_full_collections() -> None:
    import gc

    from shared.runtime import settle_heap

    model = [{"weights": [float(i)]} for i in range(10_000)]  # stands in for a loaded model
    try:
        settle_heap()
        frozen = gc.get_freeze_count()
        assert frozen >= len(model)
        assert not any(o is model for o in gc.get_objects())  # a full collection skips it
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def test_first_verify_messages_carry_the_article_and_a_batch_of_its_claims() -> None:
    from shared.celery_app import first_verify_kwargs

    got = first_verify_kwargs("a1", ["c1", "c2", "c3"], batch_size=2)
    assert got == [
        {"claim_ids": ["c1", "c2"], "article_id": "a1"},
        {"claim_ids": ["c3"], "article_id": "a1"},
    ]
    assert first_verify_kwargs("a1", [], batch_size=2) == []
