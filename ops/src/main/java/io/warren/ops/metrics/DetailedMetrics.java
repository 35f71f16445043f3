package io.warren.ops.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.QueueStats;
import io.warren.ops.http.ApiContext;
import io.warren.raft.RaftBroker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /metrics/detailed?family=F[&family=G][&vhost=V]}: rabbitmq_prometheus' opt-in families, named
 * {@code rabbitmq_detailed_*}, per queue. Warren serves {@code queue_coarse_metrics} (ready, unacked, messages),
 * {@code queue_consumer_count} and {@code ra_metrics} (the Raft figures of each queue's group on this member); other
 * families answer nothing, as RabbitMQ answers for a family with no data. The identity metric is always there, so
 * dashboards can join on it.
 */
final class DetailedMetrics {
    static final Set<String> FAMILIES = Set.of("queue_coarse_metrics", "queue_consumer_count", "ra_metrics");

    private DetailedMetrics() { }

    /** One scrape of the families asked ({@code families} as the query's comma-joined values), of {@code vhosts} (empty: all). */
    static String scrape(ApiContext ctx, NodeMetrics identity, Set<String> families, Set<String> vhosts) {
        PrometheusRegistry prometheus = new PrometheusRegistry();
        PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, prometheus, Clock.SYSTEM);
        identity.identity(prometheus);
        if (families.contains("queue_coarse_metrics") || families.contains("queue_consumer_count")) {
            for (Map.Entry<QueueRecord, QueueStats> e : ctx.broker().servedQueueStats().entrySet()) {
                QueueRecord q = e.getKey();
                if (!vhosts.isEmpty() && !vhosts.contains(q.vhost())) continue;
                Tags t = Tags.of("vhost", q.vhost(), "queue", q.name());
                QueueStats s = e.getValue();
                if (families.contains("queue_coarse_metrics")) {
                    gauge(r, "rabbitmq_detailed_queue_messages_ready", "Messages ready to be delivered to consumers", t, s.messagesReady());
                    gauge(r, "rabbitmq_detailed_queue_messages_unacked", "Messages delivered to consumers but not yet acknowledged", t,
                            s.messagesUnacked());
                    gauge(r, "rabbitmq_detailed_queue_messages", "Sum of ready and unacknowledged messages", t, s.messages());
                }
                if (families.contains("queue_consumer_count")) gauge(r, "rabbitmq_detailed_queue_consumers", "Consumers on a queue", t, s.consumers());
            }
        }
        if (families.contains("ra_metrics")) {
            Map<String, RaftBroker.RaftFacts> byGroup = new HashMap<>();
            for (RaftBroker.RaftFacts f : ctx.broker().raftFacts()) byGroup.put(f.groupId(), f);
            for (QueueRecord q : ctx.state().allQueues()) {
                RaftBroker.RaftFacts f = q.hasGroup() ? byGroup.get(q.groupId()) : null;
                if (f == null || !vhosts.isEmpty() && !vhosts.contains(q.vhost())) continue;
                Tags t = Tags.of("vhost", q.vhost(), "queue", q.name());
                double term = f.term();
                FunctionCounter.builder("rabbitmq_detailed_raft_term_total", f, x -> term).description("Current Raft term number").tags(t).register(r);
                gauge(r, "rabbitmq_detailed_raft_log_commit_index", "Raft log commit index", t, f.commitIndex());
                gauge(r, "rabbitmq_detailed_raft_log_last_applied_index", "Raft log last applied index", t, f.lastAppliedIndex());
                gauge(r, "rabbitmq_detailed_raft_log_last_written_index", "Raft log last written index", t, f.lastWrittenIndex());
                gauge(r, "rabbitmq_detailed_raft_log_snapshot_index", "Raft log snapshot index", t, f.snapshotIndex());
                if (f.commitLatencySeconds() >= 0) {
                    gauge(r, "rabbitmq_detailed_raft_entry_commit_latency_seconds", "Time taken for a log entry to be committed", t,
                            f.commitLatencySeconds());
                }
            }
        }
        return r.scrape(NodeMetrics.CONTENT_TYPE);
    }

    private static void gauge(PrometheusMeterRegistry r, String name, String help, Tags t, double value) {
        Gauge.builder(name, () -> value).description(help).tags(t).register(r);
    }

    /** The query's values of {@code key}, comma-joined when repeated, as a set. */
    static Set<String> values(Map<String, String> query, String key) {
        String v = query.get(key);
        return v == null || v.isEmpty() ? Set.of() : Set.copyOf(List.of(v.split(",")));
    }
}
