package io.warren.ops.http;

import io.warren.metadata.port.Admin;
import io.warren.metadata.state.VhostState;
import io.warren.ops.http.Routes.Needs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What is answered from every node's own figures ({@link NodeFigures}, asked of each running node): {@code /api/overview},
 * {@code /api/nodes}, the cluster-wide alarms check, {@code node-is-quorum-critical}, and the node's run-time settings
 * (the memory watermark and the disk free limit, as rabbitmqctl sets them).
 */
final class NodeResources {
    /** How long a cluster-wide answer waits for one node's figures before it leaves that node out. */
    static final long NODE_WAIT_MS = 3_000;

    private final ApiContext ctx;
    private final NodeFigures figures;
    private final Admin admin;

    NodeResources(ApiContext ctx, NodeFigures figures) {
        this.ctx = ctx;
        this.figures = figures;
        this.admin = ctx.broker().admin();
    }

    void register(Routes r) {
        r.sync("GET", "warren/node", Needs.MONITORING, (q, p) -> ApiResponse.ok(figures.all()));
        r.sync("GET", "warren/queue-stats", Needs.MONITORING, (q, p) -> ApiResponse.ok(figures.queueStats()));
        r.sync("PUT", "warren/vm-memory-high-watermark", Needs.ADMINISTRATOR, (q, p) -> {
            Map<String, Object> b = Json.object(q.body());
            double fraction = b.containsKey("absolute") // bytes of the maximum heap
                    ? Math.min(1.0, number(b.get("absolute")) / Runtime.getRuntime().maxMemory()) : number(Json.required(b, "fraction"));
            try {
                ctx.alarms().setMemoryHighWatermark(fraction);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            return ApiResponse.noContent();
        });
        r.sync("PUT", "warren/disk-free-limit", Needs.ADMINISTRATOR, (q, p) -> {
            try {
                Map<String, Object> b = Json.object(q.body());
                long bytes = b.containsKey("mem_relative") // a fraction of this machine's memory
                        ? (long) (number(b.get("mem_relative")) * ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize())
                        : (long) number(Json.required(b, "bytes"));
                ctx.alarms().setDiskFreeLimit(bytes);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            return ApiResponse.noContent();
        });
        r.async("GET", "overview", Needs.MANAGEMENT, (q, p) -> admin.sessions().thenCombine(everyNode(), (s, all) -> overview(q, s, all))
                .thenCombine(q.seesAll() ? CompletableFuture.completedFuture(null) : queueMessageStats(), (o, perQueue) -> {
                    if (perQueue != null) o.put("message_stats", ofVisibleQueues(q, perQueue));
                    return ApiResponse.ok(o);
                }));
        r.async("GET", "nodes", Needs.MONITORING, (q, p) -> everyNode().thenApply(all -> ApiResponse.ok(new ArrayList<>(nodes(all).values()))));
        r.async("GET", "nodes/{node}", Needs.MONITORING, (q, p) -> everyNode().thenApply(all -> {
            Map<String, Object> n = nodes(all).get(p.get("node"));
            if (n == null) throw ApiException.notFound();
            return ApiResponse.ok(n);
        }));
        r.async("GET", "health/checks/alarms", Needs.MONITORING, (q, p) -> everyNode().thenApply(NodeResources::alarms));
        r.sync("GET", "health/checks/local-alarms", Needs.MONITORING, (q, p) -> alarms(Map.of(ctx.nodeName(), Answer.of(figures.all()))));
        r.async("GET", "health/checks/node-is-quorum-critical", Needs.MONITORING, (q, p) -> quorumCritical());
    }

    private static double number(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        try {
            return Double.parseDouble(String.valueOf(o));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("not a number: " + o);
        }
    }

    /** A member of the cluster and its figures (null: it is down or did not answer in time). */
    record Answer(boolean running, Map<String, Object> figures) {
        static Answer of(Map<String, Object> figures) { return new Answer(true, figures); }
    }

    /** Every member by name, with the figures of those that answer within {@link #NODE_WAIT_MS}. */
    CompletableFuture<Map<String, Answer>> everyNode() {
        return admin.clusterStatus().thenCompose(st -> {
            Map<String, CompletableFuture<Answer>> asked = new TreeMap<>();
            for (Admin.Member m : st.members()) {
                if (m.name().equals(ctx.nodeName())) {
                    asked.put(m.name(), CompletableFuture.completedFuture(Answer.of(figures.all())));
                } else if (!m.running()) {
                    asked.put(m.name(), CompletableFuture.completedFuture(new Answer(false, null)));
                } else {
                    asked.put(m.name(), ctx.broker().askNode(m.name(), "GET", List.of("warren", "node"), NODE_WAIT_MS)
                            .thenApply(a -> a.status() == 200 ? Answer.of(Json.object(a.body())) : new Answer(true, null))
                            .exceptionally(e -> new Answer(false, null)));
                }
            }
            return CompletableFuture.allOf(asked.values().toArray(CompletableFuture[]::new)).thenApply(x -> {
                Map<String, Answer> out = new TreeMap<>();
                asked.forEach((name, f) -> out.put(name, f.join()));
                return out;
            });
        });
    }

    /**
     * Every running node's per-queue counters added up, by queue id (publishers and consumers of a queue may use any
     * node): each queue's {@code message_stats}, counts and rates, as RabbitMQ shows them.
     */
    @SuppressWarnings("unchecked")
    CompletableFuture<Map<Long, Map<String, Object>>> queueMessageStats() {
        return admin.clusterStatus().thenCompose(st -> {
            List<CompletableFuture<Map<String, Object>>> asked = new ArrayList<>();
            for (Admin.Member m : st.members()) {
                if (m.name().equals(ctx.nodeName())) {
                    asked.add(CompletableFuture.completedFuture((Map<String, Object>) (Map<String, ?>) figures.queueStats()));
                } else if (m.running()) {
                    asked.add(ctx.broker().askNode(m.name(), "GET", List.of("warren", "queue-stats"), NODE_WAIT_MS)
                            .thenApply(a -> a.status() == 200 ? Json.object(a.body()) : Map.<String, Object>of())
                            .exceptionally(e -> Map.of()));
                }
            }
            return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(x -> {
                Map<Long, Map<String, Object>> out = new java.util.HashMap<>();
                for (var f : asked) {
                    f.join().forEach((id, stats) -> add(out.computeIfAbsent(Long.parseLong(id), k -> new LinkedHashMap<>()),
                            (Map<String, Object>) stats));
                }
                return out;
            });
        });
    }

    /** Adds message_stats to a sum: counts to counts, {@code x_details.rate} to rates. */
    @SuppressWarnings("unchecked")
    static void add(Map<String, Object> sum, Map<String, Object> stats) {
        stats.forEach((k, v) -> {
            if (v instanceof Number n) {
                sum.merge(k, n.longValue(), (a, b) -> ((Number) a).longValue() + ((Number) b).longValue());
            } else {
                Object before = sum.get(k);
                double was = before == null ? 0 : ((Number) ((Map<String, Object>) before).get("rate")).doubleValue();
                sum.put(k, Map.of("rate", was + ((Number) ((Map<String, Object>) v).get("rate")).doubleValue()));
            }
        });
    }

    /** {@code /api/nodes}: each member, with its live figures when it answered (a node that did not shows as not running). */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> nodes(Map<String, Answer> all) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        all.forEach((name, a) -> {
            Map<String, Object> m;
            if (a.figures() != null) {
                m = new LinkedHashMap<>((Map<String, Object>) a.figures().get("node"));
            } else {
                m = new LinkedHashMap<>();
                m.put("name", name);
                m.put("type", "disc");
                m.put("running", false);
                m.put("being_drained", false);
            }
            out.put(name, m);
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    private static ApiResponse alarms(Map<String, Answer> all) {
        List<String> up = new ArrayList<>();
        all.forEach((name, a) -> {
            if (a.figures() != null) for (Object alarm : (List<Object>) a.figures().get("alarms")) up.add(alarm + " on " + name);
        });
        return up.isEmpty() ? ApiResponse.ok(Map.of("status", "ok"))
                : ApiResponse.json(503, Map.of("status", "failed", "reason", "resource alarm(s) in effect: " + String.join(", ", up)));
    }

    /** Sums the nodes' message counters and rates, and the totals of the queues they serve in the vhosts the asker sees. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> overview(ApiRequest q, io.warren.metadata.port.Sessions.Snapshot s, Map<String, Answer> all) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("management_version", ApiContext.RABBITMQ_VERSION);
        m.put("rates_mode", "basic");
        m.put("sample_retention_policies", Map.of("global", List.of(600), "basic", List.of(600), "detailed", List.of(600)));
        m.put("product_version", ApiContext.PRODUCT_VERSION);
        m.put("product_name", "Warren");
        m.put("rabbitmq_version", ApiContext.RABBITMQ_VERSION);
        m.put("cluster_name", ctx.clusterName());
        m.put("erlang_version", "none (Java " + Runtime.version().feature() + ")");
        m.put("erlang_full_version", "Java " + Runtime.version());
        m.put("disable_stats", false);
        m.put("enable_queue_totals", true);
        m.put("exchange_types", List.of(Map.of("name", "direct"), Map.of("name", "fanout"), Map.of("name", "topic"), Map.of("name", "headers")));
        Map<String, Object> stats = new LinkedHashMap<>();
        Map<String, Object> totals = new LinkedHashMap<>();
        for (String k : NodeFigures.LENGTHS) {
            totals.put(k, 0L);
            totals.put(k + "_details", Map.of("rate", 0.0));
        }
        for (Answer a : all.values()) {
            if (a.figures() == null) continue;
            add(stats, (Map<String, Object>) a.figures().get("message_stats"));
            ((Map<String, Map<String, Object>>) a.figures().get("queue_totals")).forEach((vhost, t) -> {
                if (ctx.visible(q, vhost)) add(totals, t);
            });
        }
        if (q.seesAll()) m.put("message_stats", stats); // the nodes' counters: for those who see every vhost (others: their queues' sums)
        m.put("queue_totals", totals);
        int exchanges = 0;
        int queues = 0;
        for (VhostState v : ctx.state().vhosts()) {
            if (!ctx.visible(q, v.name())) continue;
            for (var x : v.exchanges()) exchanges++;
            queues += v.queueCount();
        }
        Map<String, Object> objects = new LinkedHashMap<>();
        objects.put("connections", s.connections().size());
        objects.put("channels", s.channels().size());
        objects.put("exchanges", exchanges);
        objects.put("queues", queues);
        objects.put("consumers", s.consumers().size());
        m.put("object_totals", objects);
        m.put("statistics_db_event_queue", 0);
        m.put("node", ctx.nodeName());
        if (q.hasTag("monitoring") || q.isAdministrator()) {
            List<Object> listeners = new ArrayList<>();
            for (Answer a : all.values()) if (a.figures() != null) listeners.addAll((List<Object>) a.figures().get("listeners"));
            m.put("listeners", listeners);
        }
        return m;
    }

    /**
     * The message_stats of a user who sees some vhosts only: the sums of the per-queue counters of their queues
     * (publish, deliver, get, ack, redeliver and deliver_get; confirms and unroutable publishes belong to no queue).
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> ofVisibleQueues(ApiRequest q, Map<Long, Map<String, Object>> perQueue) {
        Map<String, Object> sum = new LinkedHashMap<>();
        for (var qr : ctx.state().allQueues()) {
            Map<String, Object> st = perQueue.get(qr.id());
            if (st != null && ctx.visible(q, qr.vhost())) add(sum, st);
        }
        for (String k : NodeFigures.LENGTHS) sum.remove(k + "_details"); // queue lengths' rates are not message_stats
        long deliverGet = 0;
        for (String k : List.of("deliver", "deliver_no_ack", "get", "get_no_ack")) deliverGet += ((Number) sum.getOrDefault(k, 0L)).longValue();
        sum.put("deliver_get", deliverGet);
        return sum;
    }

    /**
     * 503 when a queue group this node is a member of would lose its majority if the node stopped: the members that
     * answer, this node aside, are fewer than a majority. A single-node cluster passes, as RabbitMQ's check does.
     */
    private CompletableFuture<ApiResponse> quorumCritical() {
        if (ctx.state().nodes().size() <= 1) return CompletableFuture.completedFuture(ApiResponse.ok(Map.of("status", "ok")));
        List<CompletableFuture<List<Admin.QueueInfo>>> parts = new ArrayList<>();
        for (VhostState v : ctx.state().vhosts()) parts.add(admin.queues(v.name()));
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<Map<String, Object>> critical = new ArrayList<>();
            for (var part : parts) {
                for (Admin.QueueInfo i : part.join()) {
                    var qr = i.queue();
                    if (!qr.hasGroup() || !qr.members().contains(ctx.nodeName())) continue;
                    long others = i.online().stream().filter(n -> !n.equals(ctx.nodeName())).count();
                    if (others >= qr.members().size() / 2 + 1) continue;
                    critical.add(Map.of("name", qr.name(), "readable_name", "queue '" + qr.name() + "' in vhost '" + qr.vhost() + "'",
                            "vhost", qr.vhost(), "type", qr.type().wireName()));
                }
            }
            if (critical.isEmpty()) return ApiResponse.ok(Map.of("status", "ok"));
            String names = String.join(", ", critical.stream().map(c -> String.valueOf(c.get("readable_name"))).toList());
            return ApiResponse.json(503, Map.of("status", "failed", "reason",
                    "There are quorum queues that would lose their quorum if the target node is shut down: " + names, "queues", critical));
        }).orTimeout(NODE_WAIT_MS * 3, TimeUnit.MILLISECONDS);
    }
}
