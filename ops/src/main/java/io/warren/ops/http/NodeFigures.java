package io.warren.ops.http;

import io.warren.amqp.channel.MessageCounters;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.QueueStats;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What this node alone knows about itself, as RabbitMQ's API names it: its resources and alarms ({@code /api/nodes}),
 * what its AMQP channels did with messages ({@code message_stats}, each count with {@code _details.rate}), and the
 * totals of the queues it serves, by vhost. The counters are kept as they happen (no stats database); the rates come
 * from two samples of them taken {@link #SAMPLE_S} seconds apart, as RabbitMQ's collect_statistics_interval.
 * A cluster-wide answer asks every node for these ({@code GET /api/warren/node}) and adds them up.
 */
final class NodeFigures implements AutoCloseable {
    static final int SAMPLE_S = 5;
    /** RabbitMQ's message_stats keys, in the order the counters are sampled. */
    static final String[] KEYS = {"publish", "confirm", "deliver", "deliver_no_ack", "get", "get_no_ack", "get_empty",
            "deliver_get", "ack", "redeliver", "return_unroutable", "drop_unroutable"};

    private final ApiContext ctx;
    private volatile long[] previous = new long[KEYS.length];
    private volatile long[] latest = new long[KEYS.length];
    private volatile Map<Long, long[]> queuesPrevious = Map.of();
    private volatile Map<Long, long[]> queuesLatest = Map.of();
    /** The lengths (messages, ready, unacknowledged) of the queues this node serves, at the last two samples. */
    private volatile Map<Long, long[]> lengthsPrevious = Map.of();
    private volatile Map<Long, long[]> lengthsLatest = Map.of();
    static final String[] LENGTHS = {"messages", "messages_ready", "messages_unacknowledged"};
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warren-message-rates");
        t.setDaemon(true);
        return t;
    });

    /** This node's listeners by protocol (amqp, http, prometheus), as they start. */
    private final Map<String, Integer> listeners = new java.util.concurrent.ConcurrentSkipListMap<>();

    NodeFigures(ApiContext ctx) {
        this.ctx = ctx;
        listeners.put("amqp", ctx.amqpPort());
        sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_S, TimeUnit.SECONDS);
    }

    private void sample() {
        try {
            previous = latest;
            latest = counts();
            var perQueue = ctx.connections().messages().queues;
            java.util.Set<Long> live = new java.util.HashSet<>();
            for (QueueRecord q : ctx.state().allQueues()) live.add(q.id());
            perQueue.retain(live); // a deleted queue's counts go
            queuesPrevious = queuesLatest;
            queuesLatest = perQueue.snapshot();
            Map<Long, long[]> lengths = new java.util.HashMap<>();
            ctx.broker().servedQueueStats().forEach((q, st) -> lengths.put(q.id(), new long[]{st.messages(), st.messagesReady(), st.messagesUnacked()}));
            lengthsPrevious = lengthsLatest;
            lengthsLatest = lengths;
        } catch (RuntimeException e) {
            // the next sample may do better; a failed one must not end the schedule
        }
    }

    /**
     * What this node's channels did with each queue's messages, by queue id: each count of
     * {@link io.warren.amqp.channel.QueueCounters#KEYS} and its rate over the last sampling interval.
     */
    Map<String, Map<String, Object>> queueStats() {
        Map<Long, long[]> now = ctx.connections().messages().queues.snapshot();
        Map<Long, long[]> a = queuesPrevious;
        Map<Long, long[]> b = queuesLatest;
        String[] keys = io.warren.amqp.channel.QueueCounters.KEYS;
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        now.forEach((id, v) -> {
            long[] pa = a.get(id);
            long[] pb = b.get(id);
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < keys.length; i++) {
                m.put(keys[i], v[i]);
                double rate = pb == null ? 0 : Math.max(0, pb[i] - (pa == null ? 0 : pa[i])) / (double) SAMPLE_S;
                m.put(keys[i] + "_details", Map.of("rate", rate));
            }
            out.put(String.valueOf(id), m);
        });
        lengthRates().forEach((id, rates) -> {
            Map<String, Object> m = out.computeIfAbsent(String.valueOf(id), k -> new LinkedHashMap<>());
            for (int i = 0; i < LENGTHS.length; i++) m.put(LENGTHS[i] + "_details", Map.of("rate", rates[i]));
        });
        return out;
    }

    /**
     * How fast each queue this node served at both of the last two samples grew (or shrank: negative), per second,
     * in {@link #LENGTHS} order.
     */
    private Map<Long, double[]> lengthRates() {
        Map<Long, long[]> a = lengthsPrevious;
        Map<Long, double[]> out = new java.util.HashMap<>();
        lengthsLatest.forEach((id, b) -> {
            long[] before = a.get(id);
            if (before == null) return;
            double[] r = new double[LENGTHS.length];
            for (int i = 0; i < r.length; i++) r[i] = (b[i] - before[i]) / (double) SAMPLE_S;
            out.put(id, r);
        });
        return out;
    }

    private long[] counts() {
        MessageCounters c = ctx.connections().messages();
        return new long[]{c.received.sum(), c.confirmed.sum(), c.deliveredConsumeManualAck.sum(), c.deliveredConsumeAutoAck.sum(),
                c.deliveredGetManualAck.sum(), c.deliveredGetAutoAck.sum(), c.getEmpty.sum(), c.delivered(), c.acknowledged.sum(),
                c.redelivered.sum(), c.unroutableReturned.sum(), c.unroutableDropped.sum()};
    }

    /** Everything, as {@code GET /api/warren/node} answers it. */
    Map<String, Object> all() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", node());
        m.put("message_stats", messageStats());
        m.put("queue_totals", queueTotals());
        m.put("alarms", new java.util.ArrayList<>(new java.util.TreeSet<>(ctx.alarms().active())));
        m.put("listeners", listeners());
        return m;
    }

    void listening(String protocol, int port) { listeners.put(protocol, port); }

    /** This node's listeners as RabbitMQ's overview lists them ({@code node, protocol, ip_address, port}). */
    java.util.List<Map<String, Object>> listeners() {
        java.util.List<Map<String, Object>> out = new java.util.ArrayList<>();
        listeners.forEach((protocol, port) -> {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("node", ctx.nodeName());
            l.put("protocol", protocol);
            l.put("ip_address", "::");
            l.put("port", port);
            out.add(l);
        });
        return out;
    }

    /** This node as {@code /api/nodes} shows it. */
    Map<String, Object> node() {
        Runtime rt = Runtime.getRuntime();
        var alarms = ctx.alarms();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", ctx.nodeName());
        m.put("type", "disc");
        m.put("running", true);
        m.put("uptime", System.currentTimeMillis() - ctx.startedAtMs());
        m.put("os_pid", String.valueOf(ProcessHandle.current().pid()));
        m.put("processors", rt.availableProcessors());
        m.put("mem_used", rt.totalMemory() - rt.freeMemory());
        m.put("mem_limit", alarms.memoryLimitBytes());
        m.put("mem_alarm", alarms.active().contains("memory"));
        m.put("mem_calculation_strategy", "jvm_heap");
        m.put("vm_memory_high_watermark", alarms.memoryHighWatermark());
        m.put("disk_free", alarms.diskFreeBytes());
        m.put("disk_free_limit", alarms.diskFreeLimitBytes());
        m.put("disk_free_alarm", alarms.active().contains("disk"));
        m.put("proc_used", Thread.activeCount());
        m.put("proc_total", 32768);
        m.put("sockets_used", ctx.connections().connections());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            m.put("fd_used", os.getOpenFileDescriptorCount());
            m.put("fd_total", os.getMaxFileDescriptorCount());
            m.put("sockets_total", os.getMaxFileDescriptorCount());
        }
        m.put("run_queue", 0);
        m.put("rates_mode", "basic");
        m.put("partitions", java.util.List.of());
        m.put("being_drained", false);
        m.put("db_dir", alarms.dataDir().toAbsolutePath().toString());
        return m;
    }

    /** What this node's channels did: each count and its rate per second over the last sampling interval. */
    Map<String, Object> messageStats() {
        long[] now = counts();
        long[] a = previous;
        long[] b = latest;
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < KEYS.length; i++) {
            m.put(KEYS[i], now[i]);
            m.put(KEYS[i] + "_details", Map.of("rate", Math.max(0, b[i] - a[i]) / (double) SAMPLE_S));
        }
        return m;
    }

    /** Messages, ready and unacknowledged of the queues this node serves, by vhost, each with its rate. */
    private Map<String, Map<String, Object>> queueTotals() {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        Map<Long, double[]> rates = lengthRates();
        for (Map.Entry<QueueRecord, QueueStats> e : ctx.broker().servedQueueStats().entrySet()) {
            QueueStats s = e.getValue();
            long[] now = {s.messages(), s.messagesReady(), s.messagesUnacked()};
            double[] r = rates.getOrDefault(e.getKey().id(), new double[LENGTHS.length]);
            Map<String, Object> t = out.computeIfAbsent(e.getKey().vhost(), v -> new LinkedHashMap<>());
            for (int i = 0; i < LENGTHS.length; i++) {
                NodeResources.add(t, Map.of(LENGTHS[i], now[i], LENGTHS[i] + "_details", Map.of("rate", r[i])));
            }
        }
        return out;
    }

    @Override public void close() { sampler.shutdownNow(); }
}
