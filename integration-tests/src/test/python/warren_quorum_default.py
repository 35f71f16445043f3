"""A pytest plugin (-p warren_quorum_default) for running oslo.messaging's functional tests with quorum queues: the
tests build their own configurations and never read a file or the environment, so the option's default is set
to what `[oslo_messaging_rabbit] rabbit_quorum_queue = true` would give."""
from oslo_messaging._drivers import impl_rabbit

for opt in impl_rabbit.rabbit_opts:
    if opt.name == "rabbit_quorum_queue":
        opt.default = True
        break
else:
    raise RuntimeError("this oslo.messaging has no rabbit_quorum_queue option")
