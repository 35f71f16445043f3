package io.warren.ops.http;

import io.warren.metadata.command.MetadataCommand.LimitScope;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.HashingAlgorithm;
import io.warren.metadata.model.PasswordHash;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.TopicPermission;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.port.Caller;
import io.warren.metadata.port.Definitions;
import io.warren.metadata.state.MetadataState;
import io.warren.metadata.state.VhostState;
import io.warren.ops.http.Routes.Needs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code /api/definitions}: export and import in RabbitMQ's definitions format (users, vhosts, permissions, topic
 * permissions, vhost limits as {@code vhost-limits} parameters, policies, queues, exchanges, bindings). An import merges:
 * what exists already is kept as it is (an inequivalent queue or exchange is left alone and reported in the log).
 */
final class DefinitionsResource {
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionsResource.class);

    private final ApiContext ctx;

    DefinitionsResource(ApiContext ctx) { this.ctx = ctx; }

    void register(Routes r) {
        r.sync("GET", "definitions", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(export(null)));
        r.sync("GET", "definitions/{vhost}", Needs.ADMINISTRATOR, (q, p) -> {
            if (ctx.state().vhost(p.get("vhost")) == null) throw new ApiException(404, "not_found", "vhost_not_found");
            return ApiResponse.ok(export(p.get("vhost")));
        });
        r.async("POST", "definitions", Needs.ADMINISTRATOR, (q, p) -> load(Json.object(body(q)), null).thenApply(x -> ApiResponse.noContent()));
        r.async("POST", "definitions/{vhost}", Needs.ADMINISTRATOR, (q, p) -> {
            if (ctx.state().vhost(p.get("vhost")) == null) throw new ApiException(404, "not_found", "vhost_not_found");
            return load(Json.object(body(q)), p.get("vhost")).thenApply(x -> ApiResponse.noContent());
        });
    }

    /** The definitions posted: the body, or a form upload's {@code file} part (the management UI's import, curl -F file=@f). */
    private static byte[] body(ApiRequest q) {
        String type = q.headers().getOrDefault("content-type", "");
        return type.regionMatches(true, 0, "multipart/form-data", 0, 19) ? Multipart.file(type, q.body()) : q.body();
    }

    // ---- export ----

    Map<String, Object> export(String onlyVhost) {
        MetadataState s = ctx.state();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("rabbit_version", ApiContext.RABBITMQ_VERSION);
        out.put("rabbitmq_version", ApiContext.RABBITMQ_VERSION);
        out.put("product_name", "Warren");
        out.put("product_version", ApiContext.PRODUCT_VERSION);
        List<VhostState> vhosts = s.vhosts().stream().filter(v -> onlyVhost == null || v.name().equals(onlyVhost))
                .sorted(Comparator.comparing(VhostState::name)).toList();
        List<Map<String, Object>> parameters = new ArrayList<>();
        for (VhostState v : vhosts) {
            if (!v.limits().isEmpty()) parameters.add(ParameterResources.parameter(v));
        }
        if (onlyVhost == null) {
            out.put("users", s.users().stream().sorted(Comparator.comparing(UserRecord::name)).map(u -> ordered("name", u.name(),
                    "password_hash", PasswordHash.toBase64(u.passwordHash()), "hashing_algorithm", u.algorithm().rabbitName(),
                    "tags", AccessResources.sorted(u.tags()), "limits", s.access().userLimits(u.name()))).toList());
            out.put("vhosts", vhosts.stream().map(v -> {
                Map<String, Object> m = ordered("name", v.name(), "limits", List.of(),
                        "metadata", ordered("description", v.description(), "tags", v.tags()));
                if (v.defaultQueueType() != null) m.put("default_queue_type", v.defaultQueueType().wireName());
                return m;
            }).toList());
            out.put("permissions", s.permissions().stream().sorted(Comparator.comparing(Permission::user).thenComparing(Permission::vhost))
                    .map(AccessResources::permission).toList());
            out.put("topic_permissions", s.access().topicPermissions().stream()
                    .sorted(Comparator.comparing(TopicPermission::user).thenComparing(TopicPermission::vhost))
                    .map(AccessResources::topicPermission).toList());
            out.put("parameters", parameters);
            out.put("global_parameters", ClusterResources.globals(s));
        } else {
            out.put("parameters", parameters);
        }
        List<Map<String, Object>> policies = new ArrayList<>();
        List<Map<String, Object>> queues = new ArrayList<>();
        List<Map<String, Object>> exchanges = new ArrayList<>();
        List<Map<String, Object>> bindings = new ArrayList<>();
        for (VhostState v : vhosts) {
            List<PolicyRecord> ps = new ArrayList<>();
            v.policies().forEach(ps::add);
            ps.sort(Comparator.comparing(PolicyRecord::name));
            ps.forEach(p -> policies.add(ClusterResources.policy(p)));
            List<QueueRecord> qs = new ArrayList<>();
            v.queues().forEach(qs::add);
            qs.stream().filter(qr -> !qr.exclusive()).sorted(Comparator.comparing(QueueRecord::name)).forEach(qr -> queues.add(
                    ordered("name", qr.name(), "vhost", qr.vhost(), "durable", qr.durable(), "auto_delete", qr.autoDelete(),
                            "arguments", withType(qr))));
            List<ExchangeRecord> xs = new ArrayList<>();
            v.exchanges().forEach(xs::add);
            xs.stream().filter(x -> !x.name().isEmpty() && !x.name().startsWith("amq.")).sorted(Comparator.comparing(ExchangeRecord::name))
                    .forEach(x -> exchanges.add(ordered("name", x.name(), "vhost", x.vhost(), "type", x.type().wireName(),
                            "durable", x.durable(), "auto_delete", x.autoDelete(), "internal", x.internal(), "arguments", x.arguments())));
            List<BindingRecord> bs = new ArrayList<>();
            v.bindingLists().forEach(bs::addAll);
            bs.sort(Comparator.comparing(BindingRecord::source).thenComparing(BindingRecord::destination).thenComparing(BindingRecord::routingKey));
            bs.forEach(b -> bindings.add(ordered("source", b.source(), "vhost", b.vhost(), "destination", b.destination(),
                    "destination_type", b.toExchange() ? "exchange" : "queue", "routing_key", b.routingKey(), "arguments", b.arguments())));
        }
        out.put("policies", policies);
        out.put("queues", queues);
        out.put("exchanges", exchanges);
        out.put("bindings", bindings);
        return out;
    }

    /** A queue's arguments with its type, so the file says what the queue is wherever it is imported. */
    private static Map<String, Object> withType(QueueRecord q) {
        Map<String, Object> a = new LinkedHashMap<>(q.arguments());
        a.putIfAbsent("x-queue-type", q.type().wireName());
        return a;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    // ---- import ----

    /** Imports in dependency order, one object after the other; {@code intoVhost}: a one-vhost file's objects go there. */
    CompletableFuture<Void> load(Map<String, Object> defs, String intoVhost) {
        var access = ctx.access();
        Steps steps = new Steps();
        if (intoVhost == null) {
            for (Map<String, Object> v : list(defs, "vhosts")) {
                Map<String, Object> meta = v.get("metadata") instanceof Map<?, ?> m ? cast(m) : Map.of();
                String description = Json.string(meta, "description", Json.string(v, "description", ""));
                Object tags = meta.getOrDefault("tags", v.getOrDefault("tags", List.of()));
                String dqt = Json.string(v, "default_queue_type", null);
                steps.add("vhost " + v.get("name"), () -> access.putVhost(name(v), description, List.copyOf(AccessResources.tags(tags)),
                        dqt == null ? null : io.warren.metadata.model.QueueType.ofWireName(dqt)));
            }
            for (Map<String, Object> u : list(defs, "users")) {
                String alg = Json.string(u, "hashing_algorithm", HashingAlgorithm.SHA256.rabbitName());
                HashingAlgorithm a = HashingAlgorithm.ofRabbitName(alg).orElseThrow(() ->
                        ApiException.badRequest("user " + u.get("name") + ": unknown hashing_algorithm " + alg));
                byte[] hash = PasswordHash.fromBase64(Json.string(u, "password_hash", ""));
                String password = u.get("password") == null ? null : String.valueOf(u.get("password"));
                steps.add("user " + u.get("name"), () -> access.putUser(name(u), password, hash, a, AccessResources.tags(u.getOrDefault("tags", ""))));
                if (u.get("limits") instanceof Map<?, ?> l && !l.isEmpty()) {
                    steps.add("limits of user " + u.get("name"), () -> access.setLimits(LimitScope.USER, name(u), cast(l)));
                }
            }
            for (Map<String, Object> p : list(defs, "permissions")) {
                steps.add("permissions of " + p.get("user") + " in " + p.get("vhost"), () -> access.setPermission(new Permission(
                        str(p, "user"), str(p, "vhost"), str(p, "configure"), str(p, "write"), str(p, "read"))));
            }
            for (Map<String, Object> p : list(defs, "topic_permissions")) {
                steps.add("topic permissions of " + p.get("user") + " in " + p.get("vhost"), () -> access.setTopicPermission(
                        new TopicPermission(str(p, "user"), str(p, "vhost"), str(p, "exchange"), str(p, "write"), str(p, "read"))));
            }
        }
        if (intoVhost == null) {
            for (Map<String, Object> g : list(defs, "global_parameters")) {
                String json = new String(Json.bytes(g.get("value")), java.nio.charset.StandardCharsets.UTF_8);
                steps.add("global parameter " + g.get("name"), () -> ctx.broker().metadata()
                        .change(new io.warren.metadata.command.MetadataCommand.SetGlobalParameter(name(g), json)).thenApply(x -> null));
            }
        }
        Function<Map<String, Object>, String> vhostOf = o -> intoVhost != null ? intoVhost : str(o, "vhost");
        for (Map<String, Object> p : list(defs, "parameters")) {
            if (!"vhost-limits".equals(p.get("component"))) {
                LOG.warn("definitions: parameter {} of component {} skipped (not supported yet)", p.get("name"), p.get("component"));
                continue;
            }
            if (p.get("value") instanceof Map<?, ?> l) {
                steps.add("limits of vhost " + vhostOf.apply(p), () -> access.setLimits(LimitScope.VHOST, vhostOf.apply(p), cast(l)));
            }
        }
        for (Map<String, Object> p : list(defs, "policies")) {
            Object def = p.get("definition");
            steps.add("policy " + p.get("name"), () -> ctx.broker().admin().setPolicy(new PolicyRecord(vhostOf.apply(p), name(p), str(p, "pattern"),
                    Json.string(p, "apply-to", "all"), def instanceof Map<?, ?> m ? cast(m) : Map.of(), Integer.parseInt(Json.string(p, "priority", "0")))));
        }
        var definitions = ctx.broker().definitions();
        for (Map<String, Object> x : list(defs, "exchanges")) {
            String t = str(x, "type");
            ExchangeType type = ExchangeType.parse(t).orElseThrow(() -> ApiException.badRequest("exchange " + x.get("name") + ": invalid type '" + t + "'"));
            steps.keep("exchange " + x.get("name"), () -> definitions.declareExchange(Caller.broker(vhostOf.apply(x)), name(x), type,
                    Json.bool(x, "durable", true), Json.bool(x, "auto_delete", false), Json.bool(x, "internal", false), args(x)));
        }
        for (Map<String, Object> qd : list(defs, "queues")) {
            steps.keep("queue " + qd.get("name"), () -> definitions.declareQueue(Caller.broker(vhostOf.apply(qd)), ctx.nodeName(),
                    new Definitions.QueueDeclaration(name(qd), Json.bool(qd, "durable", true), false, Json.bool(qd, "auto_delete", false),
                            args(qd))).thenApply(r -> null));
        }
        for (Map<String, Object> b : list(defs, "bindings")) {
            steps.keep("binding " + b.get("source") + " -> " + b.get("destination"), () -> definitions.bind(Caller.broker(vhostOf.apply(b)),
                    new BindingRecord(vhostOf.apply(b), str(b, "source"), "exchange".equals(b.get("destination_type")), str(b, "destination"),
                            Json.string(b, "routing_key", ""), args(b))));
        }
        return steps.run();
    }

    /** The import's steps, run one after the other; a failure stops the import (what ran stays), except where kept. */
    private static final class Steps {
        private final List<String> names = new ArrayList<>();
        private final List<java.util.function.Supplier<CompletableFuture<Void>>> runs = new ArrayList<>();

        void add(String name, java.util.function.Supplier<CompletableFuture<Void>> run) {
            names.add(name);
            runs.add(run);
        }

        /** A declare whose object exists inequivalently: left as it is, as RabbitMQ leaves it. */
        void keep(String name, java.util.function.Supplier<CompletableFuture<Void>> run) {
            add(name, () -> run.get().exceptionally(e -> {
                Throwable c = e.getCause() != null ? e.getCause() : e;
                if (c instanceof DomainException d && d.kind() == DomainException.Kind.PRECONDITION_FAILED) {
                    LOG.warn("definitions: {} kept as it is: {}", name, d.getMessage());
                    return null;
                }
                throw e instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(e);
            }));
        }

        CompletableFuture<Void> run() {
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (int i = 0; i < runs.size(); i++) {
                int at = i;
                chain = chain.thenCompose(x -> {
                    try {
                        return runs.get(at).get();
                    } catch (RuntimeException e) {
                        return CompletableFuture.failedFuture(e);
                    }
                }).exceptionallyCompose(e -> {
                    Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (c instanceof ApiException) return CompletableFuture.failedFuture(c); // already names the object
                    return CompletableFuture.failedFuture(ApiException.badRequest("definitions import stopped at " + names.get(at)
                            + " (" + at + " of " + runs.size() + " done): " + c.getMessage()));
                });
            }
            return chain;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) { return (Map<String, Object>) m; }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> defs, String key) {
        Object v = defs.get(key);
        if (v == null) return List.of();
        if (!(v instanceof List<?> l)) throw ApiException.badRequest(key + " should be a list");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Map<?, ?> m)) throw ApiException.badRequest(key + " should be a list of objects");
            out.add((Map<String, Object>) m);
        }
        return out;
    }

    private static String name(Map<String, Object> o) { return String.valueOf(Json.required(o, "name")); }

    private static String str(Map<String, Object> o, String key) { return String.valueOf(Json.required(o, key)); }

    private static Map<String, Object> args(Map<String, Object> o) {
        return o.get("arguments") instanceof Map<?, ?> m ? cast(m) : Map.of();
    }
}
