package io.warren.ops.http;

import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Admin;
import io.warren.metadata.port.Caller;
import io.warren.metadata.port.Definitions;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.MessageProperties;
import io.warren.metadata.state.VhostState;
import io.warren.ops.http.Routes.Needs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@code /api/queues}, {@code exchanges} (with publish), {@code bindings}: through the broker services, as the caller. */
final class BrokerResources {
    private final ApiContext ctx;
    private final Definitions definitions;

    /** Every node's per-queue message counters added up, by queue id. */
    private final java.util.function.Supplier<CompletableFuture<Map<Long, Map<String, Object>>>> messageStats;

    BrokerResources(ApiContext ctx, java.util.function.Supplier<CompletableFuture<Map<Long, Map<String, Object>>>> messageStats) {
        this.ctx = ctx;
        this.messageStats = messageStats;
        this.definitions = ctx.broker().definitions();
    }

    void register(Routes r) {
        r.async("GET", "queues", Needs.MANAGEMENT, (q, p) -> queues(q, null).thenApply(l -> Listing.respond(q, l)));
        r.async("GET", "queues/detailed", Needs.MANAGEMENT, (q, p) -> queues(q, null).thenApply(l -> Listing.respond(q, l)));
        r.async("GET", "queues/{vhost}", Needs.MANAGEMENT, (q, p) -> queues(q, vhost(q, p)).thenApply(l -> Listing.respond(q, l)));
        r.async("GET", "queues/{vhost}/{name}", Needs.MANAGEMENT, (q, p) -> {
            QueueRecord qr = queue(q, p);
            return ctx.broker().admin().queues(qr.vhost()).thenCombine(messageStats.get(), (l, stats) -> ApiResponse.ok(l.stream()
                    .filter(i -> i.queue().name().equals(qr.name())).findFirst()
                    .map(i -> Render.queue(i, ctx.state().vhost(qr.vhost()), stats.get(qr.id())))
                    .orElseThrow(ApiException::notFound)));
        });
        r.async("PUT", "queues/{vhost}/{name}", Needs.MANAGEMENT, (q, p) -> {
            String vh = vhost(q, p);
            Map<String, Object> b = Json.object(q.body());
            boolean created = ctx.state().vhost(vh).queue(p.get("name")) == null;
            var d = new Definitions.QueueDeclaration(p.get("name"), Json.bool(b, "durable", true), false,
                    Json.bool(b, "auto_delete", false), args(b));
            String node = Json.string(b, "node", ctx.nodeName());
            return definitions.declareQueue(caller(q, vh), node, d).thenApply(x -> ApiResponse.putDone(created));
        });
        r.async("DELETE", "queues/{vhost}/{name}", Needs.MANAGEMENT, (q, p) -> {
            QueueRecord qr = queue(q, p);
            definitions.authorize(caller(q, qr.vhost()), Definitions.Access.CONFIGURE, "queue", qr.name());
            return definitions.deleteQueue(qr, q.flag("if-unused"), q.flag("if-empty")).thenApply(x -> ApiResponse.noContent());
        });
        r.async("DELETE", "queues/{vhost}/{name}/contents", Needs.MANAGEMENT, (q, p) -> {
            QueueRecord qr = queue(q, p);
            definitions.authorize(caller(q, qr.vhost()), Definitions.Access.READ, "queue", qr.name());
            return definitions.purgeQueue(qr).thenApply(x -> ApiResponse.noContent());
        });
        r.async("POST", "queues/{vhost}/{name}/get", Needs.MANAGEMENT, (q, p) -> {
            QueueRecord qr = queue(q, p);
            definitions.authorize(caller(q, qr.vhost()), Definitions.Access.READ, "queue", qr.name());
            return get(qr, Json.object(q.body()));
        });
        r.sync("GET", "queues/{vhost}/{name}/bindings", Needs.MANAGEMENT, (q, p) -> {
            QueueRecord qr = queue(q, p);
            return ApiResponse.ok(bindingsOf(qr.vhost(), b -> !b.toExchange() && b.destination().equals(qr.name()), true));
        });

        r.sync("GET", "exchanges", Needs.MANAGEMENT, (q, p) -> Listing.respond(q, exchanges(q, null)));
        r.sync("GET", "exchanges/{vhost}", Needs.MANAGEMENT, (q, p) -> Listing.respond(q, exchanges(q, vhost(q, p))));
        r.sync("GET", "exchanges/{vhost}/{name}", Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(Render.exchange(exchange(q, p))));
        r.async("PUT", "exchanges/{vhost}/{name}", Needs.MANAGEMENT, (q, p) -> {
            String vh = vhost(q, p);
            String name = exchangeName(p.get("name"));
            Map<String, Object> b = Json.object(q.body());
            String t = String.valueOf(Json.required(b, "type"));
            ExchangeType type = ExchangeType.parse(t).orElseThrow(() -> ApiException.badRequest("invalid type '" + t + "'"));
            boolean created = ctx.state().vhost(vh).exchange(name) == null;
            return definitions.declareExchange(caller(q, vh), name, type, Json.bool(b, "durable", true), Json.bool(b, "auto_delete", false),
                    Json.bool(b, "internal", false), args(b)).thenApply(x -> ApiResponse.putDone(created));
        });
        r.async("DELETE", "exchanges/{vhost}/{name}", Needs.MANAGEMENT, (q, p) -> {
            ExchangeRecord x = exchange(q, p);
            return definitions.deleteExchange(caller(q, x.vhost()), x.name(), q.flag("if-unused")).thenApply(v -> ApiResponse.noContent());
        });
        r.async("POST", "exchanges/{vhost}/{name}/publish", Needs.MANAGEMENT, (q, p) -> publish(q, exchange(q, p), Json.object(q.body())));
        r.sync("GET", "exchanges/{vhost}/{name}/bindings/source", Needs.MANAGEMENT, (q, p) -> {
            ExchangeRecord x = exchange(q, p);
            return ApiResponse.ok(bindingsOf(x.vhost(), b -> b.source().equals(x.name()), false));
        });
        r.sync("GET", "exchanges/{vhost}/{name}/bindings/destination", Needs.MANAGEMENT, (q, p) -> {
            ExchangeRecord x = exchange(q, p);
            return ApiResponse.ok(bindingsOf(x.vhost(), b -> b.toExchange() && b.destination().equals(x.name()), false));
        });

        r.sync("GET", "bindings", Needs.MANAGEMENT, (q, p) -> {
            List<Map<String, Object>> all = new ArrayList<>();
            for (VhostState v : sortedVhosts()) if (ctx.visible(q, v.name())) all.addAll(bindingsOf(v.name(), b -> true, true));
            return ApiResponse.ok(all);
        });
        r.sync("GET", "bindings/{vhost}", Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(bindingsOf(vhost(q, p), b -> true, true)));
        for (String kind : List.of("q", "e")) {
            boolean toExchange = kind.equals("e");
            String base = "bindings/{vhost}/e/{source}/" + kind + "/{destination}";
            r.sync("GET", base, Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(bindingsOf(vhost(q, p), b -> b.toExchange() == toExchange
                    && b.source().equals(exchangeName(p.get("source"))) && b.destination().equals(p.get("destination")), false)));
            r.async("POST", base, Needs.MANAGEMENT, (q, p) -> {
                String vh = vhost(q, p);
                Map<String, Object> b = Json.object(q.body());
                BindingRecord br = new BindingRecord(vh, exchangeName(p.get("source")), toExchange, p.get("destination"),
                        Json.string(b, "routing_key", ""), args(b));
                return definitions.bind(caller(q, vh), br).thenApply(x -> new ApiResponse(201, new byte[0], null,
                        Map.of("Location", Render.propertiesKey(br))));
            });
            r.sync("GET", base + "/{props}", Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(Render.binding(binding(q, p, toExchange))));
            r.async("DELETE", base + "/{props}", Needs.MANAGEMENT, (q, p) -> {
                BindingRecord br = binding(q, p, toExchange);
                return definitions.unbind(caller(q, br.vhost()), br).thenApply(x -> ApiResponse.noContent());
            });
        }
    }

    // ---- lookups, as the asking user may see them ----

    /** The caller the services see: the asking user in the vhost (or the broker itself for the node's operator). */
    static Caller caller(ApiRequest q, String vhost) { return q.operator() ? Caller.broker(vhost) : new Caller(q.userName(), vhost, null); }

    private String vhost(ApiRequest q, Map<String, String> p) { return ctx.visibleVhost(q, p.get("vhost")).name(); }

    private List<VhostState> sortedVhosts() {
        return ctx.state().vhosts().stream().sorted(Comparator.comparing(VhostState::name)).toList();
    }

    private QueueRecord queue(ApiRequest q, Map<String, String> p) {
        QueueRecord qr = ctx.state().vhost(vhost(q, p)).queue(p.get("name"));
        if (qr == null) throw ApiException.notFound();
        return qr;
    }

    /** The default exchange is written {@code amq.default} in paths. */
    static String exchangeName(String inPath) { return inPath.equals("amq.default") ? "" : inPath; }

    private ExchangeRecord exchange(ApiRequest q, Map<String, String> p) {
        ExchangeRecord x = ctx.state().vhost(vhost(q, p)).exchange(exchangeName(p.get("name")));
        if (x == null) throw ApiException.notFound();
        return x;
    }

    private BindingRecord binding(ApiRequest q, Map<String, String> p, boolean toExchange) {
        String vh = vhost(q, p);
        String source = exchangeName(p.get("source"));
        for (BindingRecord b : ctx.state().vhost(vh).bindingsFrom(source)) {
            if (b.toExchange() == toExchange && b.destination().equals(p.get("destination")) && Render.propertiesKey(b).equals(p.get("props"))) return b;
        }
        throw ApiException.notFound();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> args(Map<String, Object> body) {
        Object a = body.get("arguments");
        if (a == null) return Map.of();
        if (!(a instanceof Map<?, ?> m)) throw ApiException.badRequest("arguments should be an object");
        return (Map<String, Object>) m;
    }

    // ---- listings ----

    private CompletableFuture<List<Map<String, Object>>> queues(ApiRequest q, String only) {
        List<CompletableFuture<List<Admin.QueueInfo>>> parts = new ArrayList<>();
        for (VhostState v : sortedVhosts()) {
            if ((only == null || v.name().equals(only)) && ctx.visible(q, v.name())) parts.add(ctx.broker().admin().queues(v.name()));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenCombine(messageStats.get(), (x, stats) -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (var part : parts) {
                for (Admin.QueueInfo i : part.join()) out.add(Render.queue(i, ctx.state().vhost(i.queue().vhost()), stats.get(i.queue().id())));
            }
            return out;
        });
    }

    private List<Map<String, Object>> exchanges(ApiRequest q, String only) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (VhostState v : sortedVhosts()) {
            if (only != null && !v.name().equals(only) || !ctx.visible(q, v.name())) continue;
            List<ExchangeRecord> xs = new ArrayList<>();
            v.exchanges().forEach(xs::add);
            xs.sort(Comparator.comparing(ExchangeRecord::name));
            for (ExchangeRecord x : xs) out.add(Render.exchange(x));
        }
        return out;
    }

    /** A vhost's bindings; with {@code implicit}, the default exchange's binding of each queue first, as RabbitMQ lists them. */
    private List<Map<String, Object>> bindingsOf(String vhost, java.util.function.Predicate<BindingRecord> which, boolean implicit) {
        VhostState v = ctx.state().vhost(vhost);
        List<BindingRecord> all = new ArrayList<>();
        if (implicit) {
            List<QueueRecord> qs = new ArrayList<>();
            v.queues().forEach(qs::add);
            qs.sort(Comparator.comparing(QueueRecord::name));
            for (QueueRecord qr : qs) all.add(new BindingRecord(vhost, "", false, qr.name(), qr.name(), Map.of()));
        }
        List<BindingRecord> explicit = new ArrayList<>();
        v.bindingLists().forEach(explicit::addAll);
        explicit.sort(Comparator.comparing(BindingRecord::source).thenComparing(BindingRecord::destination).thenComparing(BindingRecord::routingKey));
        all.addAll(explicit);
        return all.stream().filter(which).map(Render::binding).toList();
    }

    // ---- messages ----

    @SuppressWarnings("unchecked")
    private CompletableFuture<ApiResponse> publish(ApiRequest q, ExchangeRecord x, Map<String, Object> b) {
        String encoding = Json.string(b, "payload_encoding", "string");
        String payload = String.valueOf(Json.required(b, "payload"));
        byte[] body = switch (encoding) {
            case "string" -> payload.getBytes(StandardCharsets.UTF_8);
            case "base64" -> {
                try {
                    yield Base64.getDecoder().decode(payload);
                } catch (IllegalArgumentException e) {
                    throw ApiException.badRequest("payload is not base64");
                }
            }
            default -> throw ApiException.badRequest("invalid payload_encoding '" + encoding + "' (string or base64)");
        };
        Object props = b.getOrDefault("properties", Map.of());
        if (!(props instanceof Map<?, ?>)) throw ApiException.badRequest("properties should be an object");
        MessageProperties mp = Render.properties((Map<String, Object>) props);
        Message m = Message.of(x.name(), Json.string(b, "routing_key", ""), mp, body);
        return ctx.broker().publisher().publish(caller(q, x.vhost()), m).thenApply(o -> {
            if (!o.safe()) throw new ApiException(500, "internal_server_error", "not every queue took the message: " + o.firstFailure());
            return ApiResponse.ok(Map.of("routed", o.queues() > 0));
        });
    }

    private CompletableFuture<ApiResponse> get(QueueRecord qr, Map<String, Object> b) {
        Object countArg = Json.required(b, "count");
        int count;
        try {
            count = Integer.parseInt(String.valueOf(countArg));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("count should be an integer");
        }
        String ackmode = String.valueOf(Json.required(b, "ackmode"));
        if (!List.of("ack_requeue_true", "ack_requeue_false", "reject_requeue_true", "reject_requeue_false").contains(ackmode)) {
            throw ApiException.badRequest("invalid ackmode '" + ackmode + "'");
        }
        String encoding = Json.string(b, "encoding", "auto");
        int truncate = b.get("truncate") == null ? Integer.MAX_VALUE : Integer.parseInt(String.valueOf(b.get("truncate")));
        List<Map<String, Object>> out = new ArrayList<>();
        List<Long> taken = new ArrayList<>();
        boolean[] empty = {false};
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int i = 0; i < count; i++) { // one get after the other, until the queue has no more
            chain = chain.thenCompose(x -> empty[0] ? CompletableFuture.completedFuture(null)
                    : ctx.broker().queues().get(qr, false).thenAccept(d -> {
                        if (d == null) {
                            empty[0] = true;
                            return;
                        }
                        taken.add(d.offset());
                        out.add(Render.delivery(d, encoding, truncate));
                    }));
        }
        return chain.thenCompose(x -> {
            long[] offsets = taken.stream().mapToLong(Long::longValue).toArray();
            if (offsets.length == 0) return CompletableFuture.completedFuture(null);
            return switch (ackmode) {
                case "ack_requeue_false" -> ctx.broker().queues().settle(qr, offsets);
                case "reject_requeue_false" -> ctx.broker().queues().discard(qr, offsets);
                default -> ctx.broker().queues().requeue(qr, offsets);
            };
        }).thenApply(x -> ApiResponse.ok(out));
    }
}
