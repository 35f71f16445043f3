package io.warren.ops.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.QueueStats;
import io.warren.ops.ResourceAlarms;
import io.warren.ops.http.ApiContext;
import io.warren.ops.http.ApiResponse;
import io.warren.raft.RaftBroker;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * This node's metrics with RabbitMQ's Prometheus names and labels (rabbitmq_prometheus), so RabbitMQ's Grafana
 * dashboards read Warren unchanged: {@code /metrics} aggregated per node, {@code /metrics/per-object} per queue
 * ({@code vhost}, {@code queue} labels). Built with Micrometer's Prometheus registry, afresh for each scrape from the
 * node's live figures (the identity labels follow a renamed cluster; nothing is kept between scrapes but the counters'
 * sources). {@code _info} metrics are Prometheus Info metrics (Micrometer would strip the suffix from a gauge).
 */
public final class NodeMetrics {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final ApiContext ctx;
    private final ResourceAlarms alarms;

    public NodeMetrics(ApiContext ctx, ResourceAlarms alarms) {
        this.ctx = ctx;
        this.alarms = alarms;
    }

    /** The HTTP handler of port 15692. */
    public io.warren.ops.http.HttpApiServer.Handler handler() {
        return (method, path, query, headers, body, loopback) -> CompletableFuture.supplyAsync(() -> switch (path) {
            case "/metrics" -> ApiResponse.text(200, CONTENT_TYPE, scrape(false));
            case "/metrics/per-object" -> ApiResponse.text(200, CONTENT_TYPE, scrape(true));
            case "/metrics/detailed" -> ApiResponse.text(200, CONTENT_TYPE, DetailedMetrics.scrape(ctx, this,
                    DetailedMetrics.values(query, "family"), DetailedMetrics.values(query, "vhost")));
            default -> ApiResponse.text(404, "text/plain", "Not Found: /metrics, /metrics/per-object, /metrics/detailed\n");
        });
    }

    /** One scrape: the node's figures now; {@code perObject}: one series per queue instead of the node's sums. */
    public String scrape(boolean perObject) {
        PrometheusRegistry prometheus = new PrometheusRegistry();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus, Clock.SYSTEM);
        identity(prometheus);
        node(registry);
        Map<QueueRecord, QueueStats> served = ctx.broker().servedQueueStats();
        queues(registry, served, perObject);
        raft(registry, served, perObject);
        String text = registry.scrape(CONTENT_TYPE);
        return perObject ? text : text + queuesCreated(ctx.connections().messages().churn.queuesCreated.sum());
    }

    void identity(PrometheusRegistry prometheus) {
        Info id = Info.builder().name("rabbitmq_identity").help("RabbitMQ node & cluster identity info")
                .labelNames("rabbitmq_node", "rabbitmq_cluster", "rabbitmq_cluster_permanent_id").register(prometheus);
        id.addLabelValues(ctx.nodeName(), ctx.clusterName(), ctx.clusterName());
        Info build = Info.builder().name("rabbitmq_build").help("RabbitMQ & Erlang/OTP version info")
                .labelNames("rabbitmq_version", "prometheus_plugin_version", "prometheus_client_version", "erlang_version", "product")
                .register(prometheus);
        build.addLabelValues(ApiContext.RABBITMQ_VERSION, "warren", "micrometer",
                "java-" + Runtime.version().feature(), "Warren");
    }

    private static void gauge(MeterRegistry r, String name, String help, Tags tags, Supplier<Number> value) {
        Gauge.builder(name, value).description(help).tags(tags).register(r);
    }

    private void node(MeterRegistry r) {
        Tags none = Tags.empty();
        gauge(r, "rabbitmq_connections", "Connections currently open", none, () -> ctx.connections().connections());
        gauge(r, "rabbitmq_channels", "Channels currently open", none, () -> ctx.connections().channels());
        int consumers = ctx.connections().snapshot().orTimeout(2, java.util.concurrent.TimeUnit.SECONDS)
                .exceptionally(e -> io.warren.metadata.port.Sessions.Snapshot.EMPTY).join().consumers().size();
        gauge(r, "rabbitmq_global_consumers", "Current number of consumers", Tags.of("protocol", "amqp091"), () -> consumers);
        gauge(r, "rabbitmq_process_resident_memory_bytes", "Memory used in bytes", none, NodeMetrics::residentBytes);
        gauge(r, "rabbitmq_resident_memory_limit_bytes", "Memory high watermark in bytes", none, alarms::memoryLimitBytes);
        gauge(r, "rabbitmq_disk_space_available_bytes", "Disk space available in bytes", none, alarms::diskFreeBytes);
        gauge(r, "rabbitmq_disk_space_available_limit_bytes", "Free disk space low watermark in bytes", none, alarms::diskFreeLimitBytes);
        gauge(r, "rabbitmq_alarms_memory_used_watermark", "is 1 if VM memory watermark alarm is in effect", none,
                () -> ctx.alarms().active().contains("memory") ? 1 : 0);
        gauge(r, "rabbitmq_alarms_free_disk_space_watermark", "is 1 if free disk space watermark alarm is in effect", none,
                () -> ctx.alarms().active().contains("disk") ? 1 : 0);
        gauge(r, "rabbitmq_erlang_uptime_seconds", "Node uptime", none, () -> (System.currentTimeMillis() - ctx.startedAtMs()) / 1000.0);
        gauge(r, "rabbitmq_process_open_tcp_sockets", "Open TCP sockets", none, () -> ctx.connections().connections());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            gauge(r, "rabbitmq_process_open_fds", "Open file descriptors", none, os::getOpenFileDescriptorCount);
            gauge(r, "rabbitmq_process_max_fds", "Open file descriptors limit", none, os::getMaxFileDescriptorCount);
        }
        gauge(r, "rabbitmq_erlang_processes_used", "Threads of the node (Erlang processes in RabbitMQ)", none, Thread::activeCount);
        messages(r, ctx.connections().messages());
        churn(r, ctx.connections().messages().churn);
    }

    /** RabbitMQ's churn counters: connections, channels and queues this node's clients opened, closed, declared, deleted. */
    private static void churn(MeterRegistry r, io.warren.amqp.channel.Churn c) {
        Tags none = Tags.empty();
        counter(r, "rabbitmq_connections_opened_total", "Total number of connections opened", none, c.connectionsOpened::sum);
        counter(r, "rabbitmq_connections_closed_total", "Total number of connections closed or terminated", none, c.connectionsClosed::sum);
        counter(r, "rabbitmq_channels_opened_total", "Total number of channels opened", none, c.channelsOpened::sum);
        counter(r, "rabbitmq_channels_closed_total", "Total number of channels closed", none, c.channelsClosed::sum);
        counter(r, "rabbitmq_queues_declared_total", "Total number of queues declared", none, c.queuesDeclared::sum);
        counter(r, "rabbitmq_queues_deleted_total", "Total number of queues deleted", none, c.queuesDeleted::sum);
    }

    /** RabbitMQ's global counters of what this node's AMQP channels did with messages. */
    private static void messages(MeterRegistry r, io.warren.amqp.channel.MessageCounters m) {
        Tags amqp = Tags.of("protocol", "amqp091");
        counter(r, "rabbitmq_global_messages_received_total", "Total number of messages received from publishers", amqp, m.received::sum);
        counter(r, "rabbitmq_global_messages_received_confirm_total", "Total number of messages received from publishers expecting confirmations",
                amqp, m.receivedConfirm::sum);
        counter(r, "rabbitmq_global_messages_routed_total", "Total number of messages routed to queues or streams", amqp, m.routed::sum);
        counter(r, "rabbitmq_global_messages_unroutable_dropped_total", "Total number of messages published as non-mandatory into an exchange and dropped as unroutable",
                amqp, m.unroutableDropped::sum);
        counter(r, "rabbitmq_global_messages_unroutable_returned_total", "Total number of messages published as mandatory into an exchange and returned to the publisher as unroutable",
                amqp, m.unroutableReturned::sum);
        counter(r, "rabbitmq_global_messages_confirmed_total", "Total number of messages confirmed to publishers", amqp, m.confirmed::sum);
        counter(r, "rabbitmq_global_messages_delivered_total", "Total number of messages delivered to consumers", amqp, m::delivered);
        counter(r, "rabbitmq_global_messages_delivered_consume_manual_ack_total", "Total number of messages delivered to consumers using basic.consume with manual acknowledgment",
                amqp, m.deliveredConsumeManualAck::sum);
        counter(r, "rabbitmq_global_messages_delivered_consume_auto_ack_total", "Total number of messages delivered to consumers using basic.consume with automatic acknowledgment",
                amqp, m.deliveredConsumeAutoAck::sum);
        counter(r, "rabbitmq_global_messages_delivered_get_manual_ack_total", "Total number of messages delivered to consumers using basic.get with manual acknowledgment",
                amqp, m.deliveredGetManualAck::sum);
        counter(r, "rabbitmq_global_messages_delivered_get_auto_ack_total", "Total number of messages delivered to consumers using basic.get with automatic acknowledgment",
                amqp, m.deliveredGetAutoAck::sum);
        counter(r, "rabbitmq_global_messages_get_empty_total", "Total number of times basic.get operations fetched no message", amqp, m.getEmpty::sum);
        counter(r, "rabbitmq_global_messages_redelivered_total", "Total number of messages redelivered to consumers", amqp, m.redelivered::sum);
        counter(r, "rabbitmq_global_messages_acknowledged_total", "Total number of messages acknowledged by consumers", amqp, m.acknowledged::sum);
    }

    private static void counter(MeterRegistry r, String name, String help, Tags tags, Supplier<Number> value) {
        FunctionCounter.builder(name, value, v -> v.get().doubleValue()).description(help).tags(tags).register(r);
    }

    private void queues(MeterRegistry r, Map<QueueRecord, QueueStats> served, boolean perObject) {
        if (!perObject) {
            long ready = 0, unacked = 0, messages = 0, consumers = 0;
            for (QueueStats s : served.values()) {
                ready += s.messagesReady();
                unacked += s.messagesUnacked();
                messages += s.messages();
                consumers += s.consumers();
            }
            long[] v = {ready, unacked, messages, consumers, served.size()};
            gauge(r, "rabbitmq_queue_messages_ready", "Messages ready to be delivered to consumers", Tags.empty(), () -> v[0]);
            gauge(r, "rabbitmq_queue_messages_unacked", "Messages delivered to consumers but not yet acknowledged", Tags.empty(), () -> v[1]);
            gauge(r, "rabbitmq_queue_messages", "Sum of ready and unacknowledged messages", Tags.empty(), () -> v[2]);
            gauge(r, "rabbitmq_consumers", "Consumers currently connected", Tags.empty(), () -> v[3]);
            gauge(r, "rabbitmq_queues", "Queues available", Tags.empty(), () -> v[4]);
            return;
        }
        Map<Long, long[]> counted = ctx.connections().messages().queues.snapshot();
        for (QueueRecord q : ctx.state().allQueues()) { // what this node's clients published into each queue
            long[] c = counted.get(q.id());
            if (c == null) continue;
            counter(r, "rabbitmq_queue_messages_published_total", "Total number of messages published to queues",
                    Tags.of("vhost", q.vhost(), "queue", q.name()), () -> c[0]);
        }
        for (var e : served.entrySet()) {
            Tags t = Tags.of("vhost", e.getKey().vhost(), "queue", e.getKey().name());
            QueueStats s = e.getValue();
            gauge(r, "rabbitmq_queue_messages_ready", "Messages ready to be delivered to consumers", t, s::messagesReady);
            gauge(r, "rabbitmq_queue_messages_unacked", "Messages delivered to consumers but not yet acknowledged", t, s::messagesUnacked);
            gauge(r, "rabbitmq_queue_messages", "Sum of ready and unacknowledged messages", t, s::messages);
            gauge(r, "rabbitmq_queue_consumers", "Consumers on a queue", t, s::consumers);
        }
    }

    /**
     * Raft figures, as RabbitMQ reports its quorum queues': per queue (each queue of a shared group shows its group's
     * figures) on {@code /metrics/per-object}; summed over this node's queue groups on {@code /metrics}.
     */
    private void raft(MeterRegistry r, Map<QueueRecord, QueueStats> served, boolean perObject) {
        List<RaftBroker.RaftFacts> facts = ctx.broker().raftFacts();
        if (!perObject) {
            long[] sum = new long[5];
            double latency = -1;
            for (RaftBroker.RaftFacts f : facts) {
                if (f.groupId().equals("metadata")) continue;
                latency = Math.max(latency, f.commitLatencySeconds());
                sum[0] += f.term();
                sum[1] += f.commitIndex();
                sum[2] += f.lastAppliedIndex();
                sum[3] += f.lastWrittenIndex();
                sum[4] += f.snapshotIndex();
            }
            raftMeters(r, Tags.empty(), sum);
            commitLatency(r, Tags.empty(), latency); // the slowest of the groups this node leads
            return;
        }
        Map<String, RaftBroker.RaftFacts> byGroup = new HashMap<>();
        for (RaftBroker.RaftFacts f : facts) byGroup.put(f.groupId(), f);
        for (QueueRecord q : ctx.state().allQueues()) {
            RaftBroker.RaftFacts f = q.hasGroup() ? byGroup.get(q.groupId()) : null;
            if (f == null) continue; // not a member here
            Tags t = Tags.of("vhost", q.vhost(), "queue", q.name());
            raftMeters(r, t, new long[]{f.term(), f.commitIndex(), f.lastAppliedIndex(), f.lastWrittenIndex(), f.snapshotIndex()});
            commitLatency(r, t, f.commitLatencySeconds());
        }
    }

    private static void raftMeters(MeterRegistry r, Tags t, long[] v) {
        FunctionCounter.builder("rabbitmq_raft_term_total", v, x -> x[0]).description("Current Raft term number").tags(t).register(r);
        gauge(r, "rabbitmq_raft_log_commit_index", "Raft log commit index", t, () -> v[1]);
        gauge(r, "rabbitmq_raft_log_last_applied_index", "Raft log last applied index", t, () -> v[2]);
        gauge(r, "rabbitmq_raft_log_last_written_index", "Raft log last written index", t, () -> v[3]);
        gauge(r, "rabbitmq_raft_log_snapshot_index", "Raft log snapshot index", t, () -> v[4]);
    }

    /** rabbitmq_raft_entry_commit_latency_seconds: on a leader, its last entry's time from submission to commit. */
    private static void commitLatency(MeterRegistry r, Tags t, double seconds) {
        if (seconds >= 0) gauge(r, "rabbitmq_raft_entry_commit_latency_seconds", "Time taken for a log entry to be committed", t, () -> seconds);
    }

    /**
     * {@code rabbitmq_queues_created_total}, written as text: the Prometheus client reserves names ending in
     * {@code _created} (OpenMetrics' created timestamps) and drops the counter, but RabbitMQ's name is this one and the
     * Overview dashboard's churn row asks for it; in the 0.0.4 text format it is a valid name.
     */
    static String queuesCreated(long n) {
        return "# HELP rabbitmq_queues_created_total Total number of queues created\n# TYPE rabbitmq_queues_created_total counter\n"
                + "rabbitmq_queues_created_total " + n + ".0\n";
    }

    /** VmRSS of this process, bytes (the heap in use where /proc is not there). */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (Exception e) {
            // below
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }
}
