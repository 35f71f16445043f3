package io.warren.ops.http;

import io.warren.metadata.command.MetadataCommand.LimitScope;
import io.warren.metadata.model.HashingAlgorithm;
import io.warren.metadata.model.PasswordHash;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.model.TopicPermission;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.service.AccessControl;
import io.warren.metadata.state.VhostState;
import io.warren.ops.http.Routes.Needs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/** {@code /api/whoami}, {@code users}, {@code vhosts}, {@code permissions}, {@code topic-permissions}, {@code vhost-limits}, {@code user-limits}. */
final class AccessResources {
    private final ApiContext ctx;
    private final AccessControl access;

    AccessResources(ApiContext ctx) {
        this.ctx = ctx;
        this.access = ctx.access();
    }

    void register(Routes r) {
        r.sync("GET", "whoami", Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(Map.of("name", q.userName(),
                "tags", q.user() == null ? List.of("administrator") : sorted(q.user().tags()))));
        r.sync("POST", "operator/authenticate", Needs.ADMINISTRATOR, (q, p) -> { // rabbitmqctl authenticate_user; not over HTTP
            if (!q.operator()) throw ApiException.notFound();
            Map<String, Object> b = Json.object(q.body());
            UserRecord u = access.authenticate(str(Json.required(b, "user")), str(Json.required(b, "password")));
            if (u == null) throw ApiException.notAuthorised("user '" + b.get("user") + "' - invalid credentials");
            return ApiResponse.ok(Map.of("name", u.name(), "tags", sorted(u.tags())));
        });
        r.sync("GET", "users", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(users(u -> true)));
        r.sync("GET", "users/without-permissions", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(users(u ->
                ctx.state().permissions().stream().noneMatch(x -> x.user().equals(u.name())))));
        r.async("POST", "users/bulk-delete", Needs.ADMINISTRATOR, (q, p) -> {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            Object names = Json.required(Json.object(q.body()), "users");
            if (!(names instanceof List<?> l)) throw ApiException.badRequest("users should be a list");
            for (Object n : l) all.add(access.deleteUser(String.valueOf(n)).exceptionally(e -> null));
            return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(x -> ApiResponse.noContent());
        });
        r.sync("GET", "users/{user}", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(user(existingUser(p.get("user")))));
        r.async("PUT", "users/{user}", Needs.ADMINISTRATOR, (q, p) -> putUser(p.get("user"), Json.object(q.body())));
        r.async("DELETE", "users/{user}", Needs.ADMINISTRATOR, (q, p) -> {
            existingUser(p.get("user"));
            return access.deleteUser(p.get("user")).thenApply(x -> ApiResponse.noContent());
        });
        r.sync("GET", "users/{user}/permissions", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(permissions(x ->
                x.user().equals(existingUser(p.get("user")).name()))));
        r.sync("GET", "users/{user}/topic-permissions", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(topicPermissions(x ->
                x.user().equals(existingUser(p.get("user")).name()))));

        r.sync("GET", "vhosts", Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(ctx.state().vhosts().stream()
                .filter(v -> ctx.visible(q, v.name())).sorted(Comparator.comparing(VhostState::name)).map(this::vhost).toList()));
        r.sync("GET", "vhosts/{vhost}", Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(vhost(ctx.visibleVhost(q, p.get("vhost")))));
        r.async("PUT", "vhosts/{vhost}", Needs.ADMINISTRATOR, (q, p) -> putVhost(p.get("vhost"), Json.object(q.body())));
        r.async("DELETE", "vhosts/{vhost}", Needs.ADMINISTRATOR, (q, p) -> {
            ctx.visibleVhost(q, p.get("vhost"));
            return access.deleteVhost(p.get("vhost")).thenApply(x -> ApiResponse.noContent());
        });
        r.sync("GET", "vhosts/{vhost}/permissions", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(permissions(x ->
                x.vhost().equals(ctx.visibleVhost(q, p.get("vhost")).name()))));
        r.sync("GET", "vhosts/{vhost}/topic-permissions", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(topicPermissions(x ->
                x.vhost().equals(ctx.visibleVhost(q, p.get("vhost")).name()))));

        r.sync("GET", "permissions", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(permissions(x -> true)));
        r.sync("GET", "permissions/{vhost}/{user}", Needs.ADMINISTRATOR, (q, p) -> {
            Permission x = ctx.state().permission(p.get("user"), p.get("vhost"));
            if (x == null) throw ApiException.notFound();
            return ApiResponse.ok(permission(x));
        });
        r.async("PUT", "permissions/{vhost}/{user}", Needs.ADMINISTRATOR, (q, p) -> {
            Map<String, Object> b = Json.object(q.body());
            boolean created = ctx.state().permission(p.get("user"), p.get("vhost")) == null;
            requireUserAndVhost(p.get("user"), p.get("vhost"));
            return access.setPermission(new Permission(p.get("user"), p.get("vhost"), str(Json.required(b, "configure")),
                    str(Json.required(b, "write")), str(Json.required(b, "read")))).thenApply(x -> ApiResponse.putDone(created));
        });
        r.async("DELETE", "permissions/{vhost}/{user}", Needs.ADMINISTRATOR, (q, p) -> {
            if (ctx.state().permission(p.get("user"), p.get("vhost")) == null) throw ApiException.notFound();
            return access.clearPermission(p.get("user"), p.get("vhost")).thenApply(x -> ApiResponse.noContent());
        });

        r.sync("GET", "topic-permissions", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(topicPermissions(x -> true)));
        r.sync("GET", "topic-permissions/{vhost}/{user}", Needs.ADMINISTRATOR, (q, p) -> {
            List<Map<String, Object>> l = topicPermissions(x -> x.vhost().equals(p.get("vhost")) && x.user().equals(p.get("user")));
            if (l.isEmpty()) throw ApiException.notFound();
            return ApiResponse.ok(l);
        });
        r.async("PUT", "topic-permissions/{vhost}/{user}", Needs.ADMINISTRATOR, (q, p) -> {
            Map<String, Object> b = Json.object(q.body());
            requireUserAndVhost(p.get("user"), p.get("vhost"));
            String exchange = str(Json.required(b, "exchange"));
            boolean created = ctx.state().access().topicPermission(p.get("user"), p.get("vhost"), exchange) == null;
            return access.setTopicPermission(new TopicPermission(p.get("user"), p.get("vhost"), exchange,
                    str(Json.required(b, "write")), str(Json.required(b, "read")))).thenApply(x -> ApiResponse.putDone(created));
        });
        r.async("DELETE", "topic-permissions/{vhost}/{user}", Needs.ADMINISTRATOR, (q, p) -> {
            requireUserAndVhost(p.get("user"), p.get("vhost"));
            return access.clearTopicPermission(p.get("user"), p.get("vhost"), q.query("exchange", ""))
                    .thenApply(x -> ApiResponse.noContent());
        });

        r.sync("GET", "vhost-limits", Needs.MONITORING, (q, p) -> ApiResponse.ok(vhostLimits(null)));
        r.sync("GET", "vhost-limits/{vhost}", Needs.MANAGEMENT, (q, p) -> ApiResponse.ok(vhostLimits(ctx.visibleVhost(q, p.get("vhost")).name())));
        r.async("PUT", "vhost-limits/{vhost}/{name}", Needs.ADMINISTRATOR, (q, p) -> {
            VhostState v = ctx.visibleVhost(q, p.get("vhost"));
            Map<String, Object> limits = new LinkedHashMap<>(v.limits());
            limits.put(p.get("name"), Json.required(Json.object(q.body()), "value"));
            return access.setLimits(LimitScope.VHOST, v.name(), limits).thenApply(x -> ApiResponse.noContent());
        });
        r.async("DELETE", "vhost-limits/{vhost}/{name}", Needs.ADMINISTRATOR, (q, p) ->
                access.clearLimit(LimitScope.VHOST, ctx.visibleVhost(q, p.get("vhost")).name(), p.get("name")).thenApply(x -> ApiResponse.noContent()));
        r.sync("GET", "user-limits", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(userLimits(null)));
        r.sync("GET", "user-limits/{user}", Needs.ADMINISTRATOR, (q, p) -> ApiResponse.ok(userLimits(existingUser(p.get("user")).name())));
        r.async("PUT", "user-limits/{user}/{name}", Needs.ADMINISTRATOR, (q, p) -> {
            UserRecord u = existingUser(p.get("user"));
            Map<String, Object> limits = new LinkedHashMap<>(ctx.state().access().userLimits(u.name()));
            limits.put(p.get("name"), Json.required(Json.object(q.body()), "value"));
            return access.setLimits(LimitScope.USER, u.name(), limits).thenApply(x -> ApiResponse.noContent());
        });
        r.async("DELETE", "user-limits/{user}/{name}", Needs.ADMINISTRATOR, (q, p) ->
                access.clearLimit(LimitScope.USER, existingUser(p.get("user")).name(), p.get("name")).thenApply(x -> ApiResponse.noContent()));
    }

    // ---- users ----

    private CompletableFuture<ApiResponse> putUser(String name, Map<String, Object> b) {
        UserRecord old = ctx.state().user(name);
        Set<String> tags = tags(Json.required(b, "tags"));
        String password = b.get("password") == null ? null : str(b.get("password"));
        byte[] hash = null;
        HashingAlgorithm alg = HashingAlgorithm.SHA256;
        if (password == null && b.containsKey("password_hash")) {
            hash = PasswordHash.fromBase64(str(b.get("password_hash")));
            String algName = Json.string(b, "hashing_algorithm", HashingAlgorithm.SHA256.rabbitName());
            alg = HashingAlgorithm.ofRabbitName(algName).orElseThrow(() -> ApiException.badRequest("unknown hashing_algorithm " + algName));
        } else if (password == null) {
            if (old == null) throw ApiException.badRequest("[{key_missing,password}]");
            hash = old.passwordHash();
            alg = old.algorithm();
        }
        return access.putUser(name, password, hash, alg, tags).thenApply(x -> ApiResponse.putDone(old == null));
    }

    /** Tags as RabbitMQ takes them: "a,b" or ["a","b"]. */
    static Set<String> tags(Object v) {
        Set<String> out = new TreeSet<>();
        if (v instanceof List<?> l) l.forEach(t -> out.add(String.valueOf(t).trim()));
        else Arrays.stream(String.valueOf(v).split(",")).map(String::trim).forEach(out::add);
        out.remove("");
        return out;
    }

    private List<Map<String, Object>> users(java.util.function.Predicate<UserRecord> which) {
        return ctx.state().users().stream().filter(which).sorted(Comparator.comparing(UserRecord::name)).map(this::user).toList();
    }

    Map<String, Object> user(UserRecord u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", u.name());
        m.put("password_hash", PasswordHash.toBase64(u.passwordHash()));
        m.put("hashing_algorithm", u.algorithm().rabbitName());
        m.put("tags", sorted(u.tags()));
        m.put("limits", ctx.state().access().userLimits(u.name()));
        return m;
    }

    private UserRecord existingUser(String name) {
        UserRecord u = ctx.state().user(name);
        if (u == null) throw ApiException.notFound();
        return u;
    }

    // ---- vhosts ----

    private CompletableFuture<ApiResponse> putVhost(String name, Map<String, Object> b) {
        boolean created = ctx.state().vhost(name) == null;
        String description = b.containsKey("description") ? str(b.get("description")) : null;
        List<String> tags = b.containsKey("tags") ? List.copyOf(tags(b.get("tags"))) : null;
        QueueType type = null;
        if (b.get("default_queue_type") != null) {
            String t = str(b.get("default_queue_type"));
            type = switch (t) {
                case "quorum" -> QueueType.QUORUM;
                case "classic" -> QueueType.CLASSIC;
                default -> throw ApiException.badRequest("unsupported default_queue_type '" + t + "' (quorum or classic)");
            };
        }
        return access.putVhost(name, description, tags, type).thenApply(x -> ApiResponse.putDone(created));
    }

    Map<String, Object> vhost(VhostState v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", v.name());
        m.put("description", v.description());
        m.put("tags", v.tags());
        m.put("default_queue_type", v.defaultQueueType() == null ? "undefined" : v.defaultQueueType().wireName());
        m.put("metadata", Map.of("description", v.description(), "tags", v.tags()));
        m.put("tracing", false);
        return m;
    }

    private void requireUserAndVhost(String user, String vhost) {
        if (ctx.state().user(user) == null || ctx.state().vhost(vhost) == null) throw ApiException.notFound();
    }

    // ---- permissions and limits ----

    private List<Map<String, Object>> permissions(java.util.function.Predicate<Permission> which) {
        return ctx.state().permissions().stream().filter(which)
                .sorted(Comparator.comparing(Permission::vhost).thenComparing(Permission::user)).map(AccessResources::permission).toList();
    }

    static Map<String, Object> permission(Permission p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", p.user());
        m.put("vhost", p.vhost());
        m.put("configure", p.configure());
        m.put("write", p.write());
        m.put("read", p.read());
        return m;
    }

    private List<Map<String, Object>> topicPermissions(java.util.function.Predicate<TopicPermission> which) {
        return ctx.state().access().topicPermissions().stream().filter(which)
                .sorted(Comparator.comparing(TopicPermission::vhost).thenComparing(TopicPermission::user).thenComparing(TopicPermission::exchange))
                .map(AccessResources::topicPermission).toList();
    }

    static Map<String, Object> topicPermission(TopicPermission p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", p.user());
        m.put("vhost", p.vhost());
        m.put("exchange", p.exchange());
        m.put("write", p.write());
        m.put("read", p.read());
        return m;
    }

    private List<Map<String, Object>> vhostLimits(String only) {
        List<Map<String, Object>> out = new ArrayList<>();
        ctx.state().vhosts().stream().filter(v -> only == null || v.name().equals(only)).sorted(Comparator.comparing(VhostState::name))
                .filter(v -> !v.limits().isEmpty()).forEach(v -> out.add(Map.of("vhost", v.name(), "value", v.limits())));
        return out;
    }

    private List<Map<String, Object>> userLimits(String only) {
        List<Map<String, Object>> out = new ArrayList<>();
        ctx.state().users().stream().filter(u -> only == null || u.name().equals(only)).sorted(Comparator.comparing(UserRecord::name))
                .forEach(u -> {
                    Map<String, Long> l = ctx.state().access().userLimits(u.name());
                    if (!l.isEmpty()) out.add(Map.of("user", u.name(), "value", l));
                });
        return out;
    }

    static List<String> sorted(Set<String> s) { return new ArrayList<>(new TreeSet<>(s)); }

    static String str(Object o) { return String.valueOf(o); }
}
