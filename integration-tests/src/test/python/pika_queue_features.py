"""The queue features with pika (Debian's python3-pika) against a Warren cluster: TTL, dead-lettering and x-death,
length limits, queue expiry, the delivery limit, delayed retry, priorities and the consumer timeout, on quorum and classic queues,
each through the node that declared the queue (local) and through another one (remote).

usage: pika_queue_features.py PORT1 PORT2 [PORT3]   (AMQP ports of the cluster's nodes)
Prints PASS/FAIL per case and a summary line; exits 1 when a case failed."""
import sys
import time
import uuid

import pika
import pika.exceptions

PORTS = [int(p) for p in sys.argv[1:]]
results = []


def conn(i):
    return pika.BlockingConnection(pika.ConnectionParameters("127.0.0.1", PORTS[i], heartbeat=30, blocked_connection_timeout=30))


def name(tag):
    return f"pyf-{tag}-{uuid.uuid4().hex[:8]}"


def declare(qtype, q, **args):
    """Declared through node 1 (a quorum queue's leader and a classic queue's owner go there)."""
    a = {"x-queue-type": qtype}
    a.update(args)
    with_conn(0, lambda ch: ch.queue_declare(q, durable=True, arguments=a))


def with_conn(i, f):
    c = conn(i)
    try:
        return f(c.channel())
    finally:
        if c.is_open:
            c.close()


def publish(ch, q, body, **props):
    ch.basic_publish("", q, body.encode(), pika.BasicProperties(delivery_mode=2, **props))


def get(ch, q, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        m, props, body = ch.basic_get(q, auto_ack=False)
        if m is not None:
            return m, props, body.decode()
        time.sleep(0.05)
    return None, None, None


def count(ch, q):
    return ch.queue_declare(q, passive=True).method.message_count


def wait_count(ch, q, want, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline and count(ch, q) != want:
        time.sleep(0.05)
    return count(ch, q)


def case(label):
    def wrap(f):
        for qtype in ("quorum", "classic"):
            if getattr(f, "quorum_only", False) and qtype == "classic":
                continue
            for via in (0, 1):
                title = f"{label} [{qtype}, {'local' if via == 0 else 'remote'}]"
                try:
                    f(qtype, via)
                    results.append((title, None))
                    print("PASS", title, flush=True)
                except Exception as e:  # every case runs; the summary says what failed
                    results.append((title, e))
                    print("FAIL", title, "-", type(e).__name__, e, flush=True)
        return f
    return wrap


def quorum_only(f):
    f.quorum_only = True
    return f


def check(cond, what):
    if not cond:
        raise AssertionError(what)


@case("a queue's message TTL: expired messages are never delivered")
def ttl(qtype, via):
    q = name("ttl")
    declare(qtype, q, **{"x-message-ttl": 200})
    def run(ch):
        ch.confirm_delivery()
        publish(ch, q, "m")
        time.sleep(0.8)
        m, _, _ = get(ch, q, 0.3)
        check(m is None, "an expired message was delivered")
        check(count(ch, q) == 0, "the expired message is still counted")
        ch.queue_delete(q)
    with_conn(via, run)


@case("an invalid expiration closes the channel with 406")
def bad_expiration(qtype, via):
    q = name("badexp")
    declare(qtype, q)
    c = conn(via)
    try:
        ch = c.channel()
        ch.confirm_delivery()
        try:
            publish(ch, q, "m", expiration="soon")
            ch.queue_declare(q, passive=True)
            raise AssertionError("no channel error")
        except pika.exceptions.ChannelClosedByBroker as e:
            check(e.reply_code == 406 and "invalid expiration" in e.reply_text, f"got {e.reply_code} {e.reply_text}")
        c.channel().queue_delete(q)
    finally:
        if c.is_open:
            c.close()


@case("rejected and expired messages are dead-lettered with x-death as RabbitMQ writes it")
def dead_letters(qtype, via):
    q, dlq = name("dl"), name("dlq")
    declare(qtype, dlq)
    declare(qtype, q, **{"x-dead-letter-exchange": "", "x-dead-letter-routing-key": dlq})
    def run(ch):
        ch.confirm_delivery()
        publish(ch, q, "rejected-one")
        m, _, _ = get(ch, q)
        ch.basic_reject(m.delivery_tag, requeue=False)
        m, props, body = get(ch, dlq)
        check(body == "rejected-one", f"dead-letter queue gave {body!r}")
        h = props.headers
        d = h["x-death"][0]
        check(d["reason"] == "rejected" and d["queue"] == q and d["count"] == 1 and d["exchange"] == ""
              and list(d["routing-keys"]) == [q], f"x-death {d}")
        check(h["x-first-death-reason"] == "rejected" and h["x-first-death-queue"] == q and h["x-first-death-exchange"] == "",
              f"x-first-death-* {h}")
        check("time" in d, "x-death has no time")
        ch.basic_ack(m.delivery_tag)
        publish(ch, q, "expired-one", expiration="100")
        m, props, body = get(ch, dlq)
        check(body == "expired-one", f"dead-letter queue gave {body!r}")
        d = props.headers["x-death"][0]
        check(d["reason"] == "expired" and d["original-expiration"] == "100", f"x-death {d}")
        check(props.expiration is None, "the expiration stays on the dead-lettered message")
        ch.basic_ack(m.delivery_tag)
        ch.queue_delete(q)
        ch.queue_delete(dlq)
    with_conn(via, run)


@case("x-max-length drops the head; reject-publish nacks the publisher")
def length_limits(qtype, via):
    q, full = name("len"), name("full")
    declare(qtype, q, **{"x-max-length": 2})
    declare(qtype, full, **{"x-max-length": 1, "x-overflow": "reject-publish"})
    def run(ch):
        ch.confirm_delivery()
        for b in ("m0", "m1", "m2"):
            publish(ch, q, b)
        check(wait_count(ch, q, 2) == 2, "not trimmed to 2")
        m, _, body = get(ch, q)
        check(body == "m1", f"head is {body!r}, not m1")
        ch.basic_ack(m.delivery_tag)
        publish(ch, full, "fits")
        try:
            publish(ch, full, "does not fit")
            raise AssertionError("no nack")
        except pika.exceptions.NackError:
            pass
        check(count(ch, full) == 1, "the queue holds more than its limit")
        ch.queue_delete(q)
        ch.queue_delete(full)
    with_conn(via, run)


@case("x-expires deletes an unused queue; a passive declare renews the lease")
def queue_expiry(qtype, via):
    q = name("exp")
    declare(qtype, q, **{"x-expires": 1500})
    def run(ch):
        for _ in range(3):  # 3 s of passive declares every 0.5 s keep it
            time.sleep(0.5)
            ch.queue_declare(q, passive=True)
        time.sleep(4)
        try:
            ch.queue_declare(q, passive=True)
            raise AssertionError("the queue is still there")
        except pika.exceptions.ChannelClosedByBroker as e:
            check(e.reply_code == 404, f"got {e.reply_code} {e.reply_text}")
    with_conn(via, run)


@case("past x-delivery-limit a message is dead-lettered with reason delivery_limit; redeliveries carry x-delivery-count")
@quorum_only
def delivery_limit(qtype, via):
    q, dlq = name("limit"), name("limitdlq")
    declare(qtype, dlq)
    declare(qtype, q, **{"x-delivery-limit": 1, "x-dead-letter-exchange": "", "x-dead-letter-routing-key": dlq})
    def run(ch):
        ch.confirm_delivery()
        publish(ch, q, "poison")
        m, props, _ = get(ch, q)
        check(not (props.headers or {}).get("x-delivery-count"), "x-delivery-count on the first delivery")
        ch.basic_nack(m.delivery_tag, requeue=True)
        m, props, _ = get(ch, q)
        check(m is not None and m.redelivered and props.headers.get("x-delivery-count") == 1, f"redelivery headers {props.headers}")
        ch.basic_nack(m.delivery_tag, requeue=True)
        m, props, body = get(ch, dlq)
        check(body == "poison" and props.headers["x-death"][0]["reason"] == "delivery_limit", f"dead-letter {props.headers}")
        ch.basic_ack(m.delivery_tag)
        check(count(ch, q) == 0, "the message stayed in the source")
        ch.queue_delete(q)
        ch.queue_delete(dlq)
    with_conn(via, run)


@case("a delayed retry holds a nacked message before it is delivered again")
@quorum_only
def delayed_retry(qtype, via):
    q = name("retry")
    declare(qtype, q, **{"x-delayed-retry-type": "failed", "x-delayed-retry-min": 500})
    def run(ch):
        ch.confirm_delivery()
        publish(ch, q, "again")
        m, _, _ = get(ch, q)
        t = time.time()
        ch.basic_nack(m.delivery_tag, requeue=True)
        m2, _, _ = ch.basic_get(q, auto_ack=False)
        check(m2 is None, "ready at once")
        m, _, body = get(ch, q)
        waited = time.time() - t
        check(body == "again" and m.redelivered and waited >= 0.45, f"got {body!r} after {waited:.2f} s")
        ch.basic_ack(m.delivery_tag)
        ch.queue_delete(q)
    with_conn(via, run)


@case("higher priorities first (classic: x-max-priority; quorum: always)")
def priorities(qtype, via):
    q = name("prio")
    if qtype == "classic":
        declare(qtype, q, **{"x-max-priority": 10})
    else:
        declare(qtype, q)
    def run(ch):
        ch.confirm_delivery()
        for p in (1, 9, 5):
            publish(ch, q, f"p{p}", priority=p)
        got = []
        for _ in range(3):
            m, _, body = get(ch, q)
            got.append(body)
            ch.basic_ack(m.delivery_tag)
        check(got == ["p9", "p5", "p1"], f"order {got}")
        ch.queue_delete(q)
    with_conn(via, run)


@case("a consumer holding a delivery past x-consumer-timeout is cancelled; the message goes back")
def consumer_timeout(qtype, via):
    q = name("ctimeout")
    declare(qtype, q, **{"x-consumer-timeout": 1000})
    c = conn(via)
    try:
        ch = c.channel()
        ch.confirm_delivery()
        publish(ch, q, "held")
        cancelled, got = [], []
        ch.add_on_cancel_callback(lambda frame: cancelled.append(frame))
        ch.basic_qos(prefetch_count=1)
        ch.basic_consume(q, lambda c_, m, p, b: got.append(m), auto_ack=False)
        deadline = time.time() + 10
        while not cancelled and time.time() < deadline:
            c.process_data_events(time_limit=0.2)
        check(got, "nothing was delivered")
        check(cancelled, "no basic.cancel from the broker")
        ch2 = c.channel()
        check(wait_count(ch2, q, 1) == 1, "the timed-out message is not back in the queue")
        ch2.queue_delete(q)
    finally:
        if c.is_open:
            c.close()


failed = [t for t, e in results if e is not None]
print(f"pika queue features: {len(results) - len(failed)} passed, {len(failed)} failed", flush=True)
sys.exit(1 if failed else 0)
