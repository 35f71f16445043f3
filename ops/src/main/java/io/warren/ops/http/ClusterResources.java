package io.warren.ops.http;

import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.port.Admin;
import io.warren.metadata.port.Caller;
import io.warren.metadata.port.Definitions;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Sessions;
import io.warren.metadata.state.VhostState;
import io.warren.ops.http.Routes.Needs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/cluster-name}, {@code global-parameters}, {@code connections}, {@code channels}, {@code consumers}, {@code policies},
 * {@code operator-policies}, the health checks and {@code aliveness-test}.
 */
final class ClusterResources {
    private final ApiContext ctx;
    private final Admin admin;

    ClusterResources(ApiContext ctx) {
        this.ctx = ctx;
        this.admin = ctx.broker().admin();
    }

    void register(Routes r) {
        r.sync("GET", "cluster-name", Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(Map.of("name", ctx.clusterName())));
        r.async("PUT", "cluster-name", Needs.ADMINISTRATOR, (q, p) -> {
            String name = String.valueOf(Json.required(Json.object(q.body()), "name"));
            if (name.isBlank()) throw ApiException.badRequest("a cluster name cannot be empty");
            return setGlobal("cluster_name", name).thenApply(x -> ApiResponse.noContent());
        });
        r.sync("GET", "global-parameters", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(globals(ctx.state())));
        r.sync("GET", "global-parameters/{name}", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(globals(ctx.state()).stream()
                .filter(g -> g.get("name").equals(p.get("name"))).findFirst().orElseThrow(ApiException::notFound)));
        r.async("PUT", "global-parameters/{name}", Needs.ADMINISTRATOR, (q, p) -> {
            boolean created = !ctx.state().globalParameters().containsKey(p.get("name"));
            return setGlobal(p.get("name"), Json.required(Json.object(q.body()), "value")).thenApply(x -> ApiResponse.putDone(created));
        });
        r.async("DELETE", "global-parameters/{name}", Needs.ADMINISTRATOR, (q, p) -> {
            if (!ctx.state().globalParameters().containsKey(p.get("name"))) throw ApiException.notFound();
            return ctx.broker().metadata().change(new io.warren.metadata.command.MetadataCommand.SetGlobalParameter(p.get("name"), null))
                    .thenApply(x -> ApiResponse.noContent());
        });
        r.sync("GET", "extensions", Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(List.of()));
        r.sync("GET", "auth", Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(Map.of("oauth_enabled", false)));
        r.sync("GET", "feature-flags", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(List.of()));

        r.async("GET", "connections", Needs.MANAGEMENT, (q, p) -> sessions(q, null).thenApply(s -> Listing.respond(q, connections(s))));
        r.async("GET", "vhosts/{vhost}/connections", Needs.MANAGEMENT, (q, p) -> sessions(q, p.get("vhost"))
                .thenApply(s -> Listing.respond(q, connections(s))));
        r.async("GET", "connections/{name}", Needs.MANAGEMENT, (q, p) -> sessions(q, null).thenApply(s -> ApiResponse.ok(connections(s)
                .stream().filter(c -> c.get("name").equals(p.get("name"))).findFirst().orElseThrow(ApiException::notFound))));
        r.async("DELETE", "connections/{name}", Needs.MANAGEMENT, (q, p) -> sessions(q, null).thenCompose(s -> {
            String name = p.get("name");
            if (s.connections().stream().noneMatch(c -> c.id().equals(name))) throw ApiException.notFound(); // or not the asker's
            String reason = q.headers().getOrDefault("x-reason", q.query("reason", "Closed via management plugin"));
            return admin.closeConnection(name, reason).thenApply(closed -> {
                if (!closed) throw ApiException.notFound();
                return ApiResponse.noContent();
            });
        }));
        r.async("GET", "channels", Needs.MANAGEMENT, (q, p) -> sessions(q, null).thenApply(s -> Listing.respond(q, channels(s))));
        r.async("GET", "consumers", Needs.MANAGEMENT, (q, p) -> sessions(q, null).thenApply(s -> ApiResponse.ok(consumers(s))));
        r.async("GET", "consumers/{vhost}", Needs.MANAGEMENT, (q, p) -> sessions(q, p.get("vhost")).thenApply(s -> ApiResponse.ok(consumers(s))));

        for (boolean operator : new boolean[]{false, true}) {
            String base = operator ? "operator-policies" : "policies";
            Needs needs = operator ? Needs.ADMINISTRATOR : Needs.POLICYMAKER;
            r.async("GET", base, Needs.MANAGEMENT, (q, p) -> policies(q, null, operator).thenApply(ApiResponse::ok));
            r.async("GET", base + "/{vhost}", Needs.MANAGEMENT, (q, p) -> policies(q, vhost(q, p.get("vhost")), operator).thenApply(ApiResponse::ok));
            r.async("GET", base + "/{vhost}/{name}", Needs.MANAGEMENT, (q, p) -> policies(q, vhost(q, p.get("vhost")), operator)
                    .thenApply(l -> ApiResponse.ok(l.stream().filter(x -> x.get("name").equals(p.get("name"))).findFirst()
                            .orElseThrow(ApiException::notFound))));
            r.async("PUT", base + "/{vhost}/{name}", needs, (q, p) -> {
                String vh = vhost(q, p.get("vhost"));
                Map<String, Object> b = Json.object(q.body());
                Object def = Json.required(b, "definition");
                if (!(def instanceof Map<?, ?>)) throw ApiException.badRequest("definition should be an object");
                @SuppressWarnings("unchecked")
                PolicyRecord pr = new PolicyRecord(vh, p.get("name"), String.valueOf(Json.required(b, "pattern")),
                        Json.string(b, "apply-to", "all"), (Map<String, Object>) def, Integer.parseInt(Json.string(b, "priority", "0")));
                boolean created = findPolicy(vh, p.get("name"), operator) == null;
                return (operator ? admin.setOperatorPolicy(pr) : admin.setPolicy(pr)).thenApply(x -> ApiResponse.putDone(created));
            });
            r.async("DELETE", base + "/{vhost}/{name}", needs, (q, p) -> {
                String vh = vhost(q, p.get("vhost"));
                if (findPolicy(vh, p.get("name"), operator) == null) throw ApiException.notFound();
                return (operator ? admin.clearOperatorPolicy(vh, p.get("name")) : admin.clearPolicy(vh, p.get("name")))
                        .thenApply(x -> ApiResponse.noContent());
            });
        }

        r.sync("GET", "health/checks/virtual-hosts", Needs.MONITORING, (q, p) -> healthy());
        r.sync("GET", "health/checks/port-listener/{port}", Needs.MONITORING, (q, p) ->
                String.valueOf(ctx.amqpPort()).equals(p.get("port")) ? healthy()
                        : unhealthy("No active listener on port " + p.get("port")));
        r.sync("GET", "health/checks/protocol-listener/{protocol}", Needs.MONITORING, (q, p) ->
                List.of("amqp", "amqp091", "amqp0-9-1").contains(p.get("protocol")) ? healthy()
                        : unhealthy("No active listener for protocol " + p.get("protocol")));
        r.async("GET", "aliveness-test/{vhost}", Needs.MANAGEMENT, (q, p) -> aliveness(q, vhost(q, p.get("vhost"))));
    }

    private CompletableFuture<Void> setGlobal(String name, Object value) {
        return ctx.broker().metadata().change(new io.warren.metadata.command.MetadataCommand.SetGlobalParameter(name,
                new String(Json.bytes(value), java.nio.charset.StandardCharsets.UTF_8))).thenApply(x -> null);
    }

    /** The global parameters as RabbitMQ lists them: {@code {"name", "value"}}. */
    static List<Map<String, Object>> globals(io.warren.metadata.state.MetadataState state) {
        List<Map<String, Object>> out = new ArrayList<>();
        state.globalParameters().forEach((k, v) -> {
            Object value;
            try {
                value = Json.MAPPER.readValue(v, Object.class);
            } catch (java.io.IOException e) {
                value = v;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", k);
            m.put("value", value);
            out.add(m);
        });
        return out;
    }

    private String vhost(ApiRequest q, String vh) { return ctx.visibleVhost(q, vh).name(); }

    private PolicyRecord findPolicy(String vhost, String name, boolean operator) {
        VhostState v = ctx.state().vhost(vhost);
        for (PolicyRecord p : operator ? v.operatorPolicies() : v.policies()) if (p.name().equals(name)) return p;
        return null;
    }

    private CompletableFuture<List<Map<String, Object>>> policies(ApiRequest q, String only, boolean operator) {
        List<CompletableFuture<List<PolicyRecord>>> parts = new ArrayList<>();
        ctx.state().vhosts().stream().map(VhostState::name).sorted()
                .filter(v -> (only == null || v.equals(only)) && ctx.visible(q, v))
                .forEach(v -> parts.add(operator ? admin.operatorPolicies(v) : admin.policies(v)));
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(x -> {
            List<Map<String, Object>> out = new ArrayList<>();
            for (var part : parts) {
                part.join().stream().sorted(Comparator.comparing(PolicyRecord::name)).forEach(p -> out.add(policy(p)));
            }
            return out;
        });
    }

    static Map<String, Object> policy(PolicyRecord p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vhost", p.vhost());
        m.put("name", p.name());
        m.put("pattern", p.pattern());
        m.put("apply-to", p.applyTo());
        m.put("definition", p.definition());
        m.put("priority", p.priority());
        return m;
    }

    // ---- connections, channels, consumers ----

    private CompletableFuture<Sessions.Snapshot> sessions(ApiRequest q, String vhost) {
        if (vhost != null) vhost(q, vhost);
        return admin.sessions().thenApply(s -> {
            boolean all = q.seesAll();
            return new Sessions.Snapshot(
                    s.connections().stream().filter(c -> (vhost == null || c.vhost().equals(vhost)) && (all || c.user().equals(q.userName()))).toList(),
                    s.channels().stream().filter(c -> (vhost == null || c.vhost().equals(vhost)) && (all || c.user().equals(q.userName()))).toList(),
                    s.consumers().stream().filter(c -> vhost == null || c.vhost().equals(vhost)).toList());
        });
    }

    static List<Map<String, Object>> connections(Sessions.Snapshot s) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Sessions.ConnectionInfo c : s.connections()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.id());
            m.put("node", c.node());
            m.put("user", c.user());
            m.put("vhost", c.vhost());
            m.put("protocol", c.protocol());
            m.put("state", "running");
            m.put("channels", c.channels());
            m.put("peer_host", c.peerHost());
            m.put("peer_port", c.peerPort());
            m.put("connected_at", c.connectedAtMs());
            m.put("client_properties", c.clientProperties());
            out.add(m);
        }
        return out;
    }

    static List<Map<String, Object>> channels(Sessions.Snapshot s) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Sessions.ChannelInfo c : s.channels()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.connectionId() + " (" + c.number() + ")");
            m.put("number", c.number());
            m.put("connection_details", Map.of("name", c.connectionId()));
            m.put("user", c.user());
            m.put("vhost", c.vhost());
            m.put("confirm", c.mode().equals("C"));
            m.put("transactional", c.mode().equals("T"));
            m.put("prefetch_count", c.prefetch());
            m.put("consumer_count", c.consumers());
            m.put("messages_unacknowledged", c.unacked());
            m.put("messages_unconfirmed", c.unconfirmed());
            out.add(m);
        }
        return out;
    }

    static List<Map<String, Object>> consumers(Sessions.Snapshot s) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Sessions.ConsumerInfo c : s.consumers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("consumer_tag", c.tag());
            m.put("queue", Map.of("name", c.queue(), "vhost", c.vhost()));
            m.put("channel_details", Map.of("connection_name", c.connectionId(), "number", c.channel(),
                    "name", c.connectionId() + " (" + c.channel() + ")"));
            m.put("ack_required", c.ackRequired());
            m.put("exclusive", c.exclusive());
            m.put("prefetch_count", c.prefetch());
            m.put("active", true);
            out.add(m);
        }
        return out;
    }

    // ---- health ----

    private static ApiResponse healthy() { return ApiResponse.ok(Map.of("status", "ok")); }

    private static ApiResponse unhealthy(String reason) { return ApiResponse.json(503, Map.of("status", "failed", "reason", reason)); }

    /** Declares {@code aliveness-test}, publishes to it, gets the message back: ok, or 503 with what failed. */
    private CompletableFuture<ApiResponse> aliveness(ApiRequest q, String vhost) {
        Caller caller = BrokerResources.caller(q, vhost);
        var d = ctx.broker().definitions();
        return d.declareQueue(caller, ctx.nodeName(), new Definitions.QueueDeclaration("aliveness-test", false, false, false,
                        Map.of("x-queue-type", "classic")))
                .thenCompose(queue -> ctx.broker().publisher().publish(caller, Message.of("", "aliveness-test", null,
                                "test_message".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .thenCompose(o -> ctx.broker().queues().get(queue, true)))
                .thenApply(got -> got != null ? healthy() : unhealthy("the test message did not come back"))
                .exceptionally(e -> ApiException.toResponse(e).status() == 401 ? ApiException.toResponse(e)
                        : unhealthy(String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
    }
}
