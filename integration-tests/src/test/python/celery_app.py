"""The Celery application the Celery scenarios run: a few tasks that leave traces in a directory, on the broker in
WARREN_BROKER_URL, results through the rpc:// backend."""
import os
import time

from celery import Celery

app = Celery("warren_scenarios", broker=os.environ["WARREN_BROKER_URL"], backend="rpc://")
app.conf.update(
    task_acks_late=True,              # a task whose worker dies before it finishes runs again
    worker_prefetch_multiplier=1,
    broker_connection_retry=True,
    broker_connection_max_retries=None,
    task_default_queue="warren-celery",
)
TRACES = os.environ["WARREN_TRACES"]


def _trace(name):
    with open(os.path.join(TRACES, name), "a") as f:
        f.write("%d\n" % os.getpid())


@app.task
def add(x, y):
    return x + y


@app.task(bind=True, max_retries=5)
def flaky(self, key):
    """Fails twice, then succeeds: Celery retries it through the broker."""
    path = os.path.join(TRACES, "flaky-" + key)
    tries = (open(path).read().count("\n") if os.path.exists(path) else 0) + 1
    _trace("flaky-" + key)
    if tries < 3:
        raise self.retry(countdown=0.2, exc=RuntimeError("try %d" % tries))
    return tries


@app.task
def slow(key, seconds):
    """Leaves a start trace, then takes its time (the scenario kills the worker meanwhile)."""
    _trace("slow-start-" + key)
    time.sleep(seconds)
    _trace("slow-done-" + key)
    return key
