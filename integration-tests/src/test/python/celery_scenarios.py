"""Celery against Warren, the way a Celery deployment uses its broker: run by PythonClientsTest.

Scenarios: tasks sent, executed and their results returned through the rpc:// backend; a task that fails and is
retried; a worker killed with -9 in the middle of a task (acks_late): the task runs again on the next worker; the worker
reconnects after its broker node is restarted. For the restart the script prints RESTART_NODE and waits for a line
NODE_RESTARTED on stdin (the Java test owns the node). Prints "celery scenarios: N passed, M failed"; exits 1 on a failure.
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault("WARREN_TRACES", tempfile.mkdtemp(prefix="warren-celery-"))
TRACES = os.environ["WARREN_TRACES"]
sys.path.insert(0, HERE)
from celery_app import add, flaky, slow  # noqa: E402


def lines(name):
    path = os.path.join(TRACES, name)
    return open(path).read().split() if os.path.exists(path) else []


def wait_for(what, cond, seconds):
    deadline = time.time() + seconds
    while not cond():
        if time.time() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


WORKERS = []


class Worker:
    """A Celery worker process (solo pool: the task runs in it, so kill -9 kills the task too)."""

    def __init__(self, name):
        WORKERS.append(self)
        env = dict(os.environ, PYTHONPATH=HERE)
        self.log = open(os.path.join(TRACES, name + ".log"), "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "celery_app", "worker", "--pool=solo", "-n", name + "@%h",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info"],
            cwd=HERE, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def kill9(self):
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill9()


def results_come_back():
    assert add.delay(2, 3).get(timeout=60) == 5
    pending = [add.delay(i, i) for i in range(20)]
    assert [r.get(timeout=60) for r in pending] == [2 * i for i in range(20)]


def retried_task_succeeds():
    assert flaky.delay("r1").get(timeout=60) == 3
    assert len(lines("flaky-r1")) == 3, lines("flaky-r1")


def task_of_a_killed_worker_runs_again(worker):
    result = slow.delay("k1", 3)
    wait_for("the task to start", lambda: lines("slow-start-k1"), 60)
    worker.kill9()
    Worker("w2")
    assert result.get(timeout=90) == "k1"
    starts = lines("slow-start-k1")
    assert len(starts) == 2 and starts[0] != starts[1], "ran in two workers: %s" % starts
    assert len(lines("slow-done-k1")) == 1


def worker_reconnects_after_a_node_restart():
    print("RESTART_NODE", flush=True)
    assert sys.stdin.readline().strip() == "NODE_RESTARTED"
    # a fresh client process: this one's connections went with the node
    out = subprocess.run([sys.executable, "-c", "from celery_app import add; print(add.delay(40, 2).get(timeout=90))"],
                         cwd=HERE, env=dict(os.environ, PYTHONPATH=HERE), capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "42", "after the restart: %r %r" % (out.stdout, out.stderr[-2000:])


def main():
    passed, failed = 0, 0

    def run(name, fn, *args):
        nonlocal passed, failed
        try:
            value = fn(*args)
            passed += 1
            print("PASS", name, flush=True)
            return value
        except Exception:
            failed += 1
            print("FAIL", name, flush=True)
            traceback.print_exc()
            return None

    try:
        worker = Worker("w1")
        run("results come back through the rpc:// backend", results_come_back)
        run("a retried task succeeds", retried_task_succeeds)
        run("the task of a worker killed with -9 runs again (acks_late)", task_of_a_killed_worker_runs_again, worker)
        run("the worker reconnects after its node restarts", worker_reconnects_after_a_node_restart)
    finally:
        for w in WORKERS:
            w.stop()
    print("celery scenarios: %d passed, %d failed" % (passed, failed), flush=True)
    if failed:
        for name in sorted(os.listdir(TRACES)):
            if name.endswith(".log"):
                print("---", name)
                print(open(os.path.join(TRACES, name)).read()[-3000:])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
