"""Warren vs RabbitMQ 3.10 quorum queues on this machine, in one run (run it through bench/compare).

Starts a Warren three-node cluster (separate JVMs) and a RabbitMQ three-node cluster (Debian's package) on
loopback, drives both with RabbitMQ PerfTest with identical flags (only the URI differs), interleaved
Warren, RabbitMQ, Warren, RabbitMQ, ..., and writes docs/benchmarks.md with the medians, the ratio
Warren/RabbitMQ, the spread, CPU and RSS per node. Everything it starts, it stops (by pid), also on failure.
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HZ = os.sysconf("SC_CLK_TCK")
RMQ_BIN = "/usr/lib/rabbitmq/bin"
PT_CP = None  # PerfTest classpath, read at start

THROUGHPUT = ["a", "a5k", "a64", "b", "b2", "c", "d", "e", "dlx"]
ALL = THROUGHPUT + ["many", "backlog", "expiry", "failover"]
DLX_TTL_MS = 100
CONFIRMED = ["--confirm", "100", "--multi-ack-every", "100", "--qos", "200"]


def log(msg):
    print(time.strftime("[%H:%M:%S] ") + msg, flush=True)


def ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except OSError:
        return 0


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def disk_mb(path):
    total = 0
    for dirpath, _, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, f))
            except OSError:
                pass  # a segment deleted while we walk
    return total // 2 ** 20


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


# ------------------------------------------------------------------ brokers

class Warren:
    name = "Warren"
    amqp = [5820, 5821, 5822]
    raft = [25820, 25821, 25822]

    def __init__(self, scratch, java_opts):
        self.dir = os.path.join(scratch, "warren")
        self.java_opts = java_opts
        self.procs = [None, None, None]
        self.peers = []
        for i in range(3):
            self.peers += ["--peer", f"w{i + 1}@127.0.0.1:{self.raft[i]}"]

    def uri(self, i):
        return f"amqp://guest:guest@127.0.0.1:{self.amqp[i]}"

    def pids(self):
        return [p.pid if p and p.poll() is None else 0 for p in self.procs]

    def start_node(self, i):
        d = os.path.join(self.dir, f"w{i + 1}")
        os.makedirs(d, exist_ok=True)
        cmd = ["java", "-Xss512k", "-XX:+UseG1GC", "-XX:+ExplicitGCInvokesConcurrent"] + self.java_opts.split() + [
            "-cp", f"{ROOT}/ops/target/ops-0.1.0-SNAPSHOT.jar:{ROOT}/ops/target/lib/*", "io.warren.ops.Main",
            "--node-name", f"w{i + 1}@127.0.0.1", "--data-dir", d, "--amqp-port", str(self.amqp[i]),
            "--raft-port", str(self.raft[i]), "--management-port", "-1", "--prometheus-port", "-1", "--cluster-secret", "bench", "--set", "amqp_bind=127.0.0.1",
            "--set", "raft_host=127.0.0.1"] + self.peers
        out = open(os.path.join(self.dir, f"w{i + 1}.log"), "ab")
        self.procs[i] = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_up(self, nodes=(0, 1, 2), timeout=300):
        deadline = time.time() + timeout
        for i in nodes:
            while not port_open(self.amqp[i]):
                if self.procs[i].poll() is not None:
                    raise RuntimeError(f"Warren node w{i + 1} exited; see {self.dir}/w{i + 1}.log")
                if time.time() > deadline:
                    raise RuntimeError(f"Warren node w{i + 1} not up after {timeout} s")
                time.sleep(0.2)

    def start(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        for i in range(3):
            self.start_node(i)
        self.wait_up()

    def restart_all(self):
        for i in range(3):
            self.start_node(i)
        self.wait_up()

    def kill9(self, i):
        p = self.procs[i]
        if p and p.poll() is None:
            p.send_signal(signal.SIGKILL)
            p.wait()

    def stop_node(self, i):
        p = self.procs[i]
        if p and p.poll() is None:
            p.terminate()
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def stop(self):
        for i in range(3):
            self.stop_node(i)

    def delete_queues(self, names):
        amqp_delete(self.amqp[0], names)

    def leader_of(self, queue):
        """The node leading a queue's group, as node 2 sees it (warren ctl list_queues)."""
        out = subprocess.run(["java", "-cp", f"{ROOT}/ops/target/ops-0.1.0-SNAPSHOT.jar:{ROOT}/ops/target/lib/*",
                              "io.warren.ops.cli.Ctl", "-n", f"127.0.0.1:{self.raft[1]}", "--cluster-secret", "bench",
                              "--formatter", "json", "list_queues", "name", "leader"], capture_output=True, text=True, timeout=60).stdout
        try:
            return next((r["leader"] for r in json.loads(out) if r["name"] == queue), None)
        except ValueError:
            return None

    def node_name(self, i):
        return f"w{i + 1}@127.0.0.1"

    def heap_mb(self, i):
        """Live heap: GC.class_histogram runs a full collection first, then sums what is left."""
        p = self.procs[i]
        if not p or p.poll() is not None:
            return None
        out = subprocess.run(["jcmd", str(p.pid), "GC.class_histogram"], capture_output=True, text=True, timeout=120).stdout
        m = re.search(r"Total\s+\d+\s+(\d+)", out)
        return int(m.group(1)) // 2 ** 20 if m else None

    def data_dir(self, i):
        return os.path.join(self.dir, f"w{i + 1}")


class RabbitMQ:
    name = "RabbitMQ"
    amqp = [5701, 5702, 5703]
    dist = [25701, 25702, 25703]
    nodes = ["rabbit1@localhost", "rabbit2@localhost", "rabbit3@localhost"]

    def __init__(self, scratch):
        self.dir = os.path.join(scratch, "rabbitmq")
        self.epmd_pid = None

    def uri(self, i):
        return f"amqp://guest:guest@127.0.0.1:{self.amqp[i]}"

    def env(self, i):
        d = os.path.join(self.dir, self.nodes[i])
        e = dict(os.environ, HOME=self.dir, ERL_EPMD_ADDRESS="127.0.0.1", LC_ALL="C.UTF-8",
                 RABBITMQ_NODENAME=self.nodes[i], RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
                 RABBITMQ_NODE_PORT=str(self.amqp[i]), RABBITMQ_DIST_PORT=str(self.dist[i]),
                 RABBITMQ_CONFIG_FILE=f"{d}/rabbitmq.conf", RABBITMQ_ADVANCED_CONFIG_FILE=f"{d}/advanced.config",
                 RABBITMQ_CONF_ENV_FILE=f"{d}/rabbitmq-env.conf", RABBITMQ_ENABLED_PLUGINS_FILE=f"{d}/enabled_plugins",
                 RABBITMQ_MNESIA_BASE=f"{d}/mnesia", RABBITMQ_LOG_BASE=f"{d}/log", RABBITMQ_PID_FILE=f"{d}/pid",
                 RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}")
        return e

    def ctl(self, i, *args, check=True, timeout=180):
        r = subprocess.run([f"{RMQ_BIN}/rabbitmqctl", "-q", "-n", self.nodes[i], *args], env=self.env(i),
                           capture_output=True, text=True, timeout=timeout)
        if check and r.returncode != 0:
            raise RuntimeError(f"rabbitmqctl {' '.join(args)} on {self.nodes[i]}: {r.stderr.strip() or r.stdout.strip()}")
        return r.stdout

    def pid_of(self, i):
        try:
            with open(os.path.join(self.dir, self.nodes[i], "pid")) as f:
                pid = int(f.read().strip())
            return pid if alive(pid) else 0
        except (OSError, ValueError):
            return 0

    def pids(self):
        return [self.pid_of(i) for i in range(3)]

    def launch_node(self, i):
        d = os.path.join(self.dir, self.nodes[i])
        os.makedirs(f"{d}/log", exist_ok=True)
        os.makedirs(f"{d}/mnesia", exist_ok=True)
        if os.path.exists(f"{d}/pid"):
            os.remove(f"{d}/pid")
        with open(f"{d}/rabbitmq.conf", "w") as f:
            f.write(f"listeners.tcp.default = 127.0.0.1:{self.amqp[i]}\nloopback_users.guest = true\n")
        open(f"{d}/rabbitmq-env.conf", "w").close()
        with open(f"{d}/enabled_plugins", "w") as f:
            f.write("[].\n")
        out = open(f"{d}/log/stdout.log", "ab")
        subprocess.Popen([f"{RMQ_BIN}/rabbitmq-server"], env=self.env(i), cwd=d, stdout=out, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True)

    def await_node(self, i):
        d = os.path.join(self.dir, self.nodes[i])
        self.ctl(i, "wait", "--timeout", "120", f"{d}/pid")
        self.ctl(i, "await_startup", "--timeout", "120")

    def start(self):
        self.stop_leftovers()
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        cookie = os.path.join(self.dir, ".erlang.cookie")
        with open(cookie, "w") as f:
            f.write(os.urandom(16).hex())
        os.chmod(cookie, 0o400)
        if subprocess.run(["epmd", "-names"], capture_output=True).returncode != 0:
            subprocess.run(["epmd", "-address", "127.0.0.1", "-daemon"], check=True)
            time.sleep(0.5)
            self.epmd_pid = self.epmd()
        for i in range(3):
            self.launch_node(i)
            self.await_node(i)
        for i in (1, 2):
            self.ctl(i, "stop_app")
            self.ctl(i, "join_cluster", self.nodes[0])
            self.ctl(i, "start_app")
        self.ctl(0, "await_online_nodes", "3", "--timeout", "60")

    @staticmethod
    def epmd():
        out = subprocess.run(["ss", "-Hltnp", "sport = :4369"], capture_output=True, text=True).stdout
        m = re.search(r"pid=(\d+)", out)
        return int(m.group(1)) if m else None

    def stop_leftovers(self):
        for i in range(3):
            if self.pid_of(i):
                self.stop_node(i)

    def stop_node(self, i):
        pid = self.pid_of(i)
        if not pid:
            return
        self.ctl(i, "stop", check=False, timeout=90)
        for _ in range(60):
            if not alive(pid):
                return
            time.sleep(0.5)
        os.kill(pid, signal.SIGKILL)

    def kill9(self, i):
        pid = self.pid_of(i)
        if pid:
            os.kill(pid, signal.SIGKILL)
            while alive(pid):
                time.sleep(0.05)

    def restart_all(self):
        for i in range(3):
            self.launch_node(i)
        for i in range(3):
            self.await_node(i)

    def stop(self):
        for i in range(3):
            self.stop_node(i)
        if self.epmd_pid and alive(self.epmd_pid):
            os.kill(self.epmd_pid, signal.SIGTERM)

    def delete_queues(self, names):
        amqp_delete(self.amqp[0], names)

    def leader_of(self, queue):
        out = self.ctl(1, "list_queues", "name", "leader", "--formatter", "json", check=False)
        try:
            return next((r.get("leader") for r in json.loads(out) if r["name"] == queue), None)
        except ValueError:
            return None

    def node_name(self, i):
        return self.nodes[i]

    def heap_mb(self, i):
        return None

    def data_dir(self, i):
        return os.path.join(self.dir, self.nodes[i], "mnesia")


# ------------------------------------------------------------------ AMQP helpers (pika)

def amqp_delete(port, names):
    import pika
    try:
        c = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", port, blocked_connection_timeout=60))
        ch = c.channel()
        for n in names:
            ch.queue_delete(n)
        c.close()
    except Exception as e:  # a leftover queue is not a reason to stop the run
        log(f"  deleting {names} on :{port}: {e}")


def declare_many(port, n, prefix):
    import pika
    c = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", port, blocked_connection_timeout=300))
    ch = c.channel()
    t0 = time.time()
    for i in range(1, n + 1):
        ch.queue_declare(f"{prefix}-{i}", durable=True, arguments={"x-queue-type": "quorum"})
    dt = time.time() - t0
    c.close()
    return dt


def passive_all(port, n, prefix, timeout):
    """Every queue answers a passive declare; returns when they all do (or raises)."""
    import pika
    deadline = time.time() + timeout
    i = 1
    while i <= n:
        try:
            c = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", port, blocked_connection_timeout=60))
            ch = c.channel()
            while i <= n:
                ch.queue_declare(f"{prefix}-{i}", passive=True)
                i += 1
            c.close()
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(0.5)


# ------------------------------------------------------------------ PerfTest

class Sampler:
    """CPU (ticks) and peak RSS of the broker's node processes while something runs."""

    def __init__(self, pids):
        self.pids = pids
        self.peak = [0, 0, 0]
        self.stop_ev = threading.Event()
        self.t = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        self.t0 = time.time()
        self.c0 = [ticks(p) for p in self.pids]
        self.t.start()
        return self

    def run(self):
        while not self.stop_ev.wait(1.0):
            for i, p in enumerate(self.pids):
                self.peak[i] = max(self.peak[i], rss_mb(p))

    def __exit__(self, *a):
        self.stop_ev.set()
        self.t.join()
        secs = time.time() - self.t0
        self.cpu = [100.0 * (ticks(p) - c) / HZ / secs for p, c in zip(self.pids, self.c0)]
        for i, p in enumerate(self.pids):
            self.peak[i] = max(self.peak[i], rss_mb(p))


def perftest(args, logfile, timeout):
    cmd = ["java", "-cp", PT_CP, "com.rabbitmq.perf.PerfTest"] + args
    with open(logfile, "w") as out:
        out.write(" ".join(cmd[3:]) + "\n")
        out.flush()
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    txt = re.sub(r"\x1b\[[0-9;]*m", "", open(logfile, errors="replace").read())

    def last(pat, conv=float):
        m = re.findall(pat, txt)
        return conv(m[-1]) if m else None

    def pcts(kind):
        m = re.findall(kind + r" latency min/median/75th/95th/99th ([\d/]+) (\S+)", txt)
        if not m:
            return None
        vals, unit = m[-1]
        v = [float(x) for x in vals.split("/")]
        scale = {"µs": 0.001, "us": 0.001, "ms": 1.0, "s": 1000.0}.get(unit, 1.0)
        return {"p50": v[1] * scale, "p99": v[4] * scale}

    return {"sent": last(r"sending rate avg: (\d+) msg/s"), "recv": last(r"receiving rate avg: (\d+) msg/s"),
            "confirm": pcts("confirm"), "consumer": pcts("consumer")}


def scenario_args(name, b, tag):
    """PerfTest flags per scenario; only the URIs (and queue names, made unique per run) differ by broker."""
    u = [b.uri(0)]
    qq = ["--quorum-queue"]
    if name in ("a", "a5k", "a64", "d"):
        size = {"a": 1000, "a5k": 5000, "a64": 64, "d": 1000}[name]
        extra = ["--rate", "1000"] if name == "d" else []
        return (["--uri"] + u + qq + ["--queue", f"qq-{tag}", "-x", "1", "-y", "1", "-s", str(size)] + CONFIRMED + extra,
                [f"qq-{tag}"])
    if name == "b":
        return (["--uri"] + u + qq + ["--queue-pattern", f"qq-{tag}-%d", "--queue-pattern-from", "1", "--queue-pattern-to", "3",
                                      "-x", "3", "-y", "3", "-s", "1000"] + CONFIRMED, [f"qq-{tag}-{i}" for i in (1, 2, 3)])
    if name == "b2":
        return (["--uris", ",".join(b.uri(i) for i in range(3))] + qq + ["--queue-args", "x-queue-leader-locator=balanced",
                "--queue-pattern", f"qq-{tag}-%d", "--queue-pattern-from", "1", "--queue-pattern-to", "3",
                "-x", "3", "-y", "3", "-s", "1000"] + CONFIRMED, [f"qq-{tag}-{i}" for i in (1, 2, 3)])
    if name == "c":
        return (["--uri"] + u + ["--queue", f"cq-{tag}", "--auto-delete", "true", "-x", "1", "-y", "1", "-s", "1000", "--autoack"], [])
    if name == "e":
        return (["--uri"] + u + ["--queue", f"cq-{tag}", "--auto-delete", "false", "-f", "persistent", "-x", "1", "-y", "1",
                                 "-s", "1000"] + CONFIRMED, [f"cq-{tag}"])
    raise ValueError(name)


SCENARIO_TITLES = {
    "a": "a: 1 quorum queue, 1P/1C, 1000 B, confirms 100, acks every 100, qos 200",
    "a5k": "a5k: as a, 5000 B", "a64": "a64: as a, 64 B",
    "b": "b: 3 quorum queues, 3P/3C, clients on node 1",
    "b2": "b2: as b, leaders balanced, clients on all nodes",
    "c": "c: transient classic queue, autoack, no confirms",
    "d": "d: as a at 1000 msg/s (latency)",
    "e": "e: durable classic queue, persistent, confirms",
    "dlx": f"dlx: 1P into a quorum queue with x-message-ttl {DLX_TTL_MS} ms and a DLX into a second quorum queue, 1C on that one",
}


def run_throughput(name, brokers, reps, dur, results, outdir):
    for rep in range(reps):
        for b in brokers:
            tag = f"{name}-{rep}-{b.name.lower()}"
            if name == "dlx":
                queues = declare_dead_letter_pair(b.amqp[0], tag)
                time.sleep(3)
                with Sampler(b.pids()) as s:
                    r = run_dlx_once(b, tag, dur, outdir)
            else:
                args, queues = scenario_args(name, b, tag)
                args += ["-z", str(dur), "--id", tag]
                time.sleep(3)
                with Sampler(b.pids()) as s:
                    r = perftest(args, os.path.join(outdir, tag + ".log"), dur + 120)
            r["cpu"] = s.cpu
            r["rss"] = s.peak
            results.setdefault(name, {}).setdefault(b.name, []).append(r)
            conf = r["confirm"]
            log(f"  {name} #{rep + 1} {b.name}: sent {r['sent']} recv {r['recv']} msg/s"
                + (f", confirm p50/p99 {conf['p50']:.1f}/{conf['p99']:.1f} ms" if conf else "")
                + f", cpu {'/'.join(f'{c:.0f}' for c in s.cpu)}%, rss {'/'.join(map(str, s.peak))} MB")
            if queues:
                b.delete_queues(queues)


def declare_dead_letter_pair(port, tag, ttl=DLX_TTL_MS):
    """A quorum queue src-TAG (x-message-ttl, dead-lettering through the default exchange into dlq-TAG), published to
    through the direct exchange in-TAG (PerfTest publishes to an exchange); returns the queue names."""
    import pika
    src, dlq, ex = f"src-{tag}", f"dlq-{tag}", f"in-{tag}"
    c = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", port, blocked_connection_timeout=60))
    ch = c.channel()
    ch.queue_declare(dlq, durable=True, arguments={"x-queue-type": "quorum"})
    ch.queue_declare(src, durable=True, arguments={"x-queue-type": "quorum", "x-message-ttl": ttl,
                                                   "x-dead-letter-exchange": "", "x-dead-letter-routing-key": dlq})
    ch.exchange_declare(ex, "direct", durable=False, auto_delete=False)
    ch.queue_bind(src, ex, src)
    c.close()
    return [src, dlq]


def run_dlx_once(b, tag, dur, outdir):
    """A PerfTest producer into src-TAG and a PerfTest consumer on dlq-TAG, at the same time."""
    src, dlq = f"src-{tag}", f"dlq-{tag}"
    cons_args = ["--uri", b.uri(0), "--predeclared", "--queue", dlq, "-x", "0", "-y", "1", "--qos", "200",
                 "--multi-ack-every", "100", "-z", str(dur + 2), "--id", tag + "-c"]
    res = {}
    t = threading.Thread(target=lambda: res.update(c=perftest(cons_args, os.path.join(outdir, tag + "-c.log"), dur + 120)))
    t.start()
    time.sleep(1)
    pub = perftest(["--uri", b.uri(0), "--predeclared", "-e", f"in-{tag}", "-t", "direct", "-k", src, "-x", "1", "-y", "0",
                    "-s", "1000", "--confirm", "100", "-z", str(dur), "--id", tag + "-p"], os.path.join(outdir, tag + "-p.log"), dur + 120)
    t.join()
    cons = res.get("c", {})
    return {"sent": pub["sent"], "recv": cons.get("recv"), "confirm": pub["confirm"], "consumer": cons.get("consumer")}


# ------------------------------------------------------------------ many queues, backlog, expiry, failover

def run_many(brokers, n, idle_secs, results):
    for b in brokers:
        pids = b.pids()
        time.sleep(5)
        rss0 = [rss_mb(p) for p in pids]
        log(f"  many {b.name}: declaring {n} quorum queues")
        dt = declare_many(b.amqp[0], n, "many")
        time.sleep(10)
        with Sampler(pids) as s:
            time.sleep(idle_secs)
        log(f"  many {b.name}: declared in {dt:.1f} s; idle cpu {'/'.join(f'{c:.1f}' for c in s.cpu)}%, "
            f"rss {'/'.join(map(str, s.peak))} MB (before: {'/'.join(map(str, rss0))})")
        t0 = time.time()
        b.stop()
        stopped = time.time() - t0
        t0 = time.time()
        b.restart_all()
        passive_all(b.amqp[0], n, "many", 600)
        restart = time.time() - t0
        log(f"  many {b.name}: clean stop {stopped:.1f} s, restart until all {n} queues answer {restart:.1f} s")
        results.setdefault("many", {})[b.name] = {"declare": dt, "cpu": s.cpu, "rss": s.peak, "rss0": rss0,
                                                  "stop": stopped, "restart": restart}
        names = [f"many-{i}" for i in range(1, n + 1)]
        for k in range(0, n, 200):
            b.delete_queues(names[k:k + 200])


def run_backlog(brokers, n, outdir, results):
    for b in brokers:
        q = f"backlog-{b.name.lower()}"
        log(f"  backlog {b.name}: publishing {n} messages to {q}")
        pub = perftest(["--uri", b.uri(0), "--quorum-queue", "--queue", q, "-x", "1", "-y", "0", "-s", "1000",
                        "--confirm", "100", "-C", str(n), "--id", q + "-pub"], os.path.join(outdir, q + "-pub.log"), 3600)
        time.sleep(5)
        pids = b.pids()
        rss_full = [rss_mb(p) for p in pids]
        disk_full = [disk_mb(b.data_dir(i)) for i in range(3)]
        heap_full = b.heap_mb(0)
        drain = perftest(["--uri", b.uri(0), "--quorum-queue", "--queue", q, "-x", "0", "-y", "1", "--qos", "200",
                          "--multi-ack-every", "100", "-D", str(n), "--id", q + "-drain"], os.path.join(outdir, q + "-drain.log"), 3600)
        log(f"  backlog {b.name}: published {pub['sent']} msg/s, drained {drain['recv']} msg/s; leader rss {rss_full[0]} MB"
            + (f", live heap {heap_full} MB" if heap_full is not None else "") + f"; disk {disk_full} MB")
        results.setdefault("backlog", {})[b.name] = {"pub": pub["sent"], "drain": drain["recv"], "rss": rss_full, "heap": heap_full,
                                                     "disk": disk_full}
        b.delete_queues([q])


def queue_count(port, q):
    import pika
    c = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", port, blocked_connection_timeout=60))
    try:
        return c.channel().queue_declare(q, passive=True).method.message_count
    finally:
        c.close()


def run_expiry(brokers, n, ttl_s, outdir, results):
    """n messages into a quorum queue with x-message-ttl ttl_s, no consumer; how long after the last one's TTL ran out
    the queue is empty, and the expiry rate from the first TTL to empty."""
    for b in brokers:
        q = f"expiry-{b.name.lower()}"
        import pika
        c = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", b.amqp[0], blocked_connection_timeout=60))
        ch = c.channel()
        ch.queue_declare(q, durable=True, arguments={"x-queue-type": "quorum", "x-message-ttl": ttl_s * 1000})
        ch.exchange_declare("in-" + q, "direct", durable=False, auto_delete=False)
        ch.queue_bind(q, "in-" + q, q)
        c.close()
        log(f"  expiry {b.name}: publishing {n} messages with a {ttl_s} s TTL")
        t0 = time.time()
        pub = perftest(["--uri", b.uri(0), "--predeclared", "-e", "in-" + q, "-t", "direct", "-k", q, "-x", "1", "-y", "0",
                        "-s", "1000", "--confirm", "100", "-C", str(n), "--id", q + "-pub"], os.path.join(outdir, q + "-pub.log"), 3600)
        t1 = time.time()
        if t1 - t0 > ttl_s:
            log(f"  expiry {b.name}: publishing took {t1 - t0:.0f} s, longer than the TTL: the lag below includes publishing")
        peak = queue_count(b.amqp[0], q)
        while time.time() < t1 + ttl_s + 900:
            left = queue_count(b.amqp[0], q)
            if left == 0:
                break
            time.sleep(0.5)
        t_empty = time.time()
        lag = t_empty - (t1 + ttl_s)
        rate = n / max(0.001, t_empty - (t0 + ttl_s))
        log(f"  expiry {b.name}: published {pub['sent']} msg/s in {t1 - t0:.0f} s ({peak} queued at the end); empty {lag:.1f} s"
            f" after the last TTL ran out ({'left ' + str(left) if left else 'all expired'}); {rate:,.0f} expired/s from the first TTL")
        results.setdefault("expiry", {})[b.name] = {"pub": pub["sent"], "pubs": t1 - t0, "lag": lag, "rate": rate, "left": left}
        amqp_delete(b.amqp[0], [q])


PROBE = r'''
import os, sys, time, pika
port, q, dur, kill_file = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), sys.argv[4]
t_end = time.time() + dur
sent_after = None  # the first publish sent after the kill, and its confirm
while time.time() < t_end:
    try:
        c = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", port, socket_timeout=5, blocked_connection_timeout=30))
        ch = c.channel(); ch.confirm_delivery()
        while time.time() < t_end:
            t_send = time.time()
            ch.basic_publish("", q, b"x" * 1000, pika.BasicProperties(delivery_mode=2), mandatory=True)
            if os.path.exists(kill_file):
                tk = float(open(kill_file).read() or 0)
                if tk and t_send > tk:
                    print("%.3f" % (time.time() - tk)); sys.exit(0)
                if tk:
                    t_end = max(t_end, tk + 30)  # the window runs on for 30 s after the kill, however long the wait before it
        c.close()
    except Exception:
        time.sleep(0.02)
print("none")
'''


def run_failover(brokers, runs, outdir, results):
    import pika
    probe = os.path.join(outdir, "probe.py")
    with open(probe, "w") as f:
        f.write(PROBE)
    for b in brokers:
        times = []
        for run in range(runs):
            q = f"fo-{b.name.lower()}-{run}"
            c = pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", b.amqp[0]))
            c.channel().queue_declare(q, durable=True, arguments={"x-queue-type": "quorum"})  # leader: node 1 (client-local)
            c.close()
            kill_file = os.path.join(outdir, q + ".kill")
            load = subprocess.Popen(["java", "-cp", PT_CP, "com.rabbitmq.perf.PerfTest", "--uri", b.uri(0), "--quorum-queue",
                                     "--queue", q + "-load", "-x", "1", "-y", "1", "-s", "1000"] + CONFIRMED + ["-z", "40"],
                                    stdout=open(os.path.join(outdir, q + "-load.log"), "w"), stderr=subprocess.STDOUT,
                                    start_new_session=True)
            pr = subprocess.Popen(["/usr/bin/python3", probe, str(b.amqp[1]), q, "35", kill_file], stdout=subprocess.PIPE,
                                  text=True, start_new_session=True)
            time.sleep(12)
            deadline = time.time() + 60
            while b.leader_of(q) != b.node_name(0) and time.time() < deadline:
                time.sleep(1)  # after a restart, node 1 takes the leadership of a queue declared through it back
            leader = b.leader_of(q)
            if leader != b.node_name(0):
                log(f"  failover {b.name} #{run + 1}: {q} is led by {leader}, not node 1: run not counted")
            with open(kill_file, "w") as f:
                f.write("%.6f" % time.time())
            b.kill9(0)
            out = pr.communicate(timeout=120)[0].strip()
            load.wait(120)
            try:
                t = float(out) if leader == b.node_name(0) else None
            except ValueError:
                t = None
            times.append(t)
            log(f"  failover {b.name} #{run + 1}: first confirm from the new leader {out} s after kill -9")
            if isinstance(b, Warren):
                b.start_node(0)
                b.wait_up((0,))
            else:
                b.launch_node(0)
                b.await_node(0)
            time.sleep(10)
            b.delete_queues([q, q + "-load"])
        results.setdefault("failover", {})[b.name] = times


# ------------------------------------------------------------------ report

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def spread(xs):
    xs = [x for x in xs if x is not None]
    return f"{min(xs):,.0f}–{max(xs):,.0f}" if xs else "–"


def fmt(x, d=0):
    return "–" if x is None else f"{x:,.{d}f}"


def ratio(w, r):
    return "–" if not w or not r else f"{w / r:.2f}"


def node_cells(runs, key, d=0):
    vals = [med([r[key][i] for r in runs]) for i in range(3)]
    return " / ".join(fmt(v, d) for v in vals)


def report(results, args, started, path, failures):
    cpu_model = ""
    try:
        cpu_model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except Exception:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2 ** 30
    names = [b for b in ("warren", "rabbitmq") if b in args.brokers]
    rmq = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "rabbitmq-server"], capture_output=True, text=True).stdout
    who = (f"Warren and RabbitMQ {rmq}, three nodes each, on loopback" if len(names) == 2
           else "Warren only (no reference broker in this run), three nodes on loopback" if names == ["warren"]
           else f"RabbitMQ {rmq} only, three nodes on loopback")
    L = ["# Warren vs RabbitMQ 3.10 quorum queues", "",
         f"Produced by `bench/compare {' '.join(sys.argv[1:])}` on {started:%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()} cores"
         f" ({cpu_model}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}; {who}; PerfTest 2.22.1"
         + (" with identical flags for both (only the URI differs)" if len(names) == 2 else "") + "."]
    if any(s in THROUGHPUT for s in results):
        L[-1] += (f" {args.duration} s per run after {args.warmup} s of unrecorded warm-up load on each, {args.reps} runs each,"
                  " interleaved Warren, RabbitMQ, Warren, ... The load tool shares the machine with both clusters (the idle one"
                  " costs a little CPU). Medians; spread = min–max over the runs. CPU: % of one core per node process over the run;"
                  " RSS: peak per node (MB).")
    L[-1] += " Warren JVMs run with `" + args.java_opts + "`."
    L.append("")
    thr = [s for s in THROUGHPUT if s in results]
    if thr:
        L += ["## Throughput and latency", "",
              "| scenario | broker | published msg/s | consumed msg/s | spread (published) | confirm p50 / p99 ms | consumer p50 / p99 ms | CPU % per node | RSS MB per node |",
              "|---|---|---|---|---|---|---|---|---|"]
        for s in thr:
            for bn in ("Warren", "RabbitMQ"):
                runs = results[s].get(bn, [])
                if not runs:
                    continue
                cp = [r["confirm"] for r in runs if r["confirm"]]
                lp = [r["consumer"] for r in runs if r["consumer"]]
                L.append(f"| {SCENARIO_TITLES[s]} | {bn} | {fmt(med([r['sent'] for r in runs]))} | {fmt(med([r['recv'] for r in runs]))}"
                         f" | {spread([r['sent'] for r in runs])}"
                         f" | {fmt(med([c['p50'] for c in cp]), 1)} / {fmt(med([c['p99'] for c in cp]), 1)}"
                         f" | {fmt(med([c['p50'] for c in lp]), 1)} / {fmt(med([c['p99'] for c in lp]), 1)}"
                         f" | {node_cells(runs, 'cpu')} | {node_cells(runs, 'rss')} |")
        L += ["", "| scenario | Warren/RabbitMQ published | consumed | confirm p99 | CPU per message (Warren/RabbitMQ) |", "|---|---|---|---|---|"]
        for s in thr:
            w, r = results[s].get("Warren", []), results[s].get("RabbitMQ", [])
            if not w or not r:
                continue
            wp99 = med([x["confirm"]["p99"] for x in w if x["confirm"]])
            rp99 = med([x["confirm"]["p99"] for x in r if x["confirm"]])
            cpm = lambda runs: med([sum(x["cpu"]) / x["sent"] for x in runs if x["sent"]])
            L.append(f"| {s} | {ratio(med([x['sent'] for x in w]), med([x['sent'] for x in r]))}"
                     f" | {ratio(med([x['recv'] for x in w]), med([x['recv'] for x in r]))}"
                     f" | {ratio(wp99, rp99)} | {ratio(cpm(w), cpm(r))} |")
        L.append("")
    if "many" in results:
        L += [f"## {args.queues} idle quorum queues", "",
              f"| broker | declare s | idle CPU % per node ({args.idle_seconds} s) | RSS MB per node (before → with queues) | clean stop s | restart until every queue answers s |",
              "|---|---|---|---|---|---|"]
        for bn, m in results["many"].items():
            L.append(f"| {bn} | {m['declare']:.1f} | {' / '.join(f'{c:.1f}' for c in m['cpu'])} (sum {sum(m['cpu']):.1f})"
                     f" | {' / '.join(f'{a} → {b}' for a, b in zip(m['rss0'], m['rss']))} | {m['stop']:.1f} | {m['restart']:.1f} |")
        L.append("")
    if "backlog" in results:
        L += [f"## Backlog: {args.backlog:,} messages of 1000 B, no consumer, then one consumer drains", "",
              "| broker | publish msg/s | drain msg/s | RSS MB per node with the backlog | live heap on the leader MB (after a full GC) | data on disk MB per node |",
              "|---|---|---|---|---|---|"]
        for bn, m in results["backlog"].items():
            L.append(f"| {bn} | {fmt(m['pub'])} | {fmt(m['drain'])} | {' / '.join(map(str, m['rss']))} | {fmt(m['heap'])}"
                     f" | {' / '.join(map(str, m.get('disk', [])))} |")
        L.append("")
    if "expiry" in results:
        L += [f"## Expiry: {args.backlog:,} messages of 1000 B with a {args.expiry_ttl} s x-message-ttl, no consumer", "",
              "Published as fast as confirms allow; then the queue's message count is polled every 0.5 s until it is 0. Lag: from"
              " the moment the last message's TTL ran out (the end of publishing + TTL, ±1 s) to an empty queue; rate: messages"
              " over the time from the first TTL running out to an empty queue (paced by the publishing when expiry keeps up).", "",
              "| broker | publish msg/s | published in s | empty after the last TTL s | expired msg/s | left when given up |",
              "|---|---|---|---|---|---|"]
        for bn, m in results["expiry"].items():
            L.append(f"| {bn} | {fmt(m['pub'])} | {m['pubs']:.0f} | {m['lag']:.1f} | {fmt(m['rate'])} | {m['left']} |")
        L.append("")
    if "failover" in results:
        L += ["## Failover: kill -9 of the queue leader's node under load a", "",
              "Time from the kill to the confirm of the first message published after it, by a probe publishing one message at a"
              " time (each waiting for its confirm) through another node.", "",
              "| broker | median s | runs (s) |", "|---|---|---|"]
        for bn, t in results["failover"].items():
            L.append(f"| {bn} | {fmt(med(t), 2)} | {', '.join('–' if x is None else f'{x:.2f}' for x in t)} |")
        L.append("")
    if failures:
        L += ["## Failed", "", "The run stopped early; the rows above are what completed.", ""] + [f"- {f}" for f in failures] + [""]
    text = "\n".join(L)
    if path:
        with open(path, "w") as f:
            f.write(text)
    print(text)


def main():
    global PT_CP
    ap = argparse.ArgumentParser(description="Warren vs RabbitMQ 3.10, side by side")
    ap.add_argument("--only", default=",".join(ALL), help="scenarios, comma-separated: " + " ".join(ALL))
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each throughput scenario per broker")
    ap.add_argument("--duration", type=int, default=30, help="seconds per PerfTest run")
    ap.add_argument("--queues", type=int, default=1000, help="idle quorum queues in 'many'")
    ap.add_argument("--idle-seconds", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=60, help="seconds of unrecorded load on each broker before the throughput runs (half a, half b2)")
    ap.add_argument("--backlog", type=int, default=1_000_000, help="messages in 'backlog'")
    ap.add_argument("--failover-runs", type=int, default=5)
    ap.add_argument("--expiry-ttl", type=int, default=90, help="seconds of x-message-ttl in 'expiry' (longer than publishing takes)")
    ap.add_argument("--brokers", default="warren,rabbitmq", help="warren,rabbitmq or one of them")
    ap.add_argument("--java-opts", default="-Xmx1g", help="JVM options of the Warren nodes")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"), help="report path ('' = print only)")
    args = ap.parse_args()
    only = [s for s in args.only.split(",") if s]
    bad = [s for s in only if s not in ALL]
    if bad:
        ap.error(f"unknown scenario(s) {bad}; known: {ALL}")
    with open(os.path.join(ROOT, "bench", "target", "perftest.classpath")) as f:
        PT_CP = f.read().strip()
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))  # a stop request still runs the clean-up below
    started = datetime.datetime.utcnow()
    scratch = tempfile.mkdtemp(prefix="warren-compare-")
    outdir = os.path.join(ROOT, "bench", "target", "compare-" + started.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(outdir)
    brokers = []
    results = {}
    failures = []
    try:
        if "warren" in args.brokers:
            w = Warren(scratch, args.java_opts)
            brokers.append(w)
            log("starting a Warren cluster (3 JVMs, AMQP 5820-5822)")
            w.start()
        if "rabbitmq" in args.brokers:
            r = RabbitMQ(scratch)
            brokers.append(r)
            log("starting a RabbitMQ cluster (3 nodes, AMQP 5701-5703)")
            r.start()
        time.sleep(10)
        if args.warmup > 0 and any(s in THROUGHPUT for s in only):
            for b in brokers:  # the JVM compiles its hot paths in the first minute; neither broker is measured cold
                for ws in ("a", "b2"):  # a: the local path; b2: publishes and deliveries between nodes as well
                    secs = max(1, args.warmup // 2)
                    log(f"warming {b.name} up: scenario {ws} for {secs} s, not recorded")
                    wargs, wq = scenario_args(ws, b, f"warmup-{ws}-{b.name.lower()}")
                    perftest(wargs + ["-z", str(secs)], os.path.join(outdir, f"warmup-{ws}-{b.name.lower()}.log"), secs + 120)
                    b.delete_queues(wq)
        for s in only:
            log(f"scenario {s}")
            try:
                if s in THROUGHPUT:
                    run_throughput(s, brokers, args.reps, args.duration, results, outdir)
                elif s == "many":
                    run_many(brokers, args.queues, args.idle_seconds, results)
                elif s == "backlog":
                    run_backlog(brokers, args.backlog, outdir, results)
                elif s == "expiry":
                    run_expiry(brokers, args.backlog, args.expiry_ttl, outdir, results)
                elif s == "failover":
                    run_failover(brokers, args.failover_runs, outdir, results)
            except Exception as e:  # reported, and the run stops: a broker may be down
                failures.append(f"{s}: {type(e).__name__}: {e}")
                log(f"scenario {s} FAILED: {e}")
                break
    finally:
        for b in brokers:
            try:
                log(f"stopping {b.name}")
                b.stop()
            except Exception as e:
                log(f"stopping {b.name}: {e}")
        for b in brokers:  # node logs are kept next to the PerfTest logs; data directories go
            for dirpath, _, files in os.walk(b.dir):
                for f in files:
                    if f.endswith(".log"):
                        dest = os.path.join(outdir, "logs", b.name, os.path.relpath(dirpath, b.dir))
                        os.makedirs(dest, exist_ok=True)
                        shutil.copy(os.path.join(dirpath, f), dest)
        shutil.rmtree(scratch, ignore_errors=True)
        log(f"logs in {outdir}")
        report(results, args, started, args.out, failures)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
