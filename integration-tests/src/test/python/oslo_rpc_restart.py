"""An oslo.messaging RPC server restarted after an error keeps receiving casts: run by PythonClientsTest.

The scenario that lost a nova cast on every service restart: an RPC server (topic, server name, threading executor)
answers a call, a call to its server name, and a call that raises; it is stopped; a new server with the same topic and
name starts; a cast to the topic must reach it. Also the same after a server that handled a cast. Transport URL in
argv[1] (one host or several). Prints "oslo rpc restart: N passed, M failed"; exits 1 on a failure.
"""
import sys
import threading
import time

import oslo_messaging as messaging
from oslo_config import cfg


class Endpoint:
    def __init__(self):
        self.casts = []
        self.arrived = threading.Event()

    def echo(self, ctxt, value):
        return value

    def fail(self, ctxt):
        raise ValueError("raised on purpose")

    def note(self, ctxt, value):
        self.casts.append(value)
        self.arrived.set()


def scenario(transport, topic, first_does):
    target = messaging.Target(topic=topic, server="s1")
    first = Endpoint()
    server = messaging.get_rpc_server(transport, target, [first], executor="threading")
    server.start()
    client = messaging.get_rpc_client(transport, messaging.Target(topic=topic), timeout=20)
    assert client.call({}, "echo", value=1) == 1
    assert client.prepare(server="s1").call({}, "echo", value=2) == 2
    if first_does == "raise":
        try:
            client.call({}, "fail")
            raise AssertionError("the remote exception did not come back")
        except ValueError as e:  # oslo.messaging raises a remote built-in exception as its own type
            assert "raised on purpose" in str(e), e
    else:
        client.cast({}, "note", value="to the first server")
        assert first.arrived.wait(20), "the first server got no cast"
    server.stop()
    server.wait()
    second = Endpoint()
    restarted = messaging.get_rpc_server(transport, target, [second], executor="threading")
    restarted.start()
    try:
        client.cast({}, "note", value="after the restart")
        assert second.arrived.wait(20), "the cast after the restart never arrived (first server: %s)" % first.casts
        assert second.casts == ["after the restart"], second.casts
        assert client.prepare(server="s1").call({}, "echo", value=3) == 3
    finally:
        restarted.stop()
        restarted.wait()


def main():
    conf = cfg.CONF  # oslo.messaging registers some of its options (metrics) on the global configuration
    conf(args=[], project="warren-oslo-restart", default_config_files=[])
    transport = messaging.get_rpc_transport(conf, url=sys.argv[1])
    passed, failed = 0, 0
    try:
        for first_does in ("raise", "cast"):
            name = "restart after a server that %s" % ("raised" if first_does == "raise" else "handled a cast")
            try:
                scenario(transport, "warren-restart-%s-%d" % (first_does, int(time.time() * 1000)), first_does)
                passed += 1
                print("PASS", name, flush=True)
            except Exception as e:
                failed += 1
                print("FAIL", name, "-", repr(e), flush=True)
    finally:
        transport.cleanup()
    print("oslo rpc restart: %d passed, %d failed" % (passed, failed), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
