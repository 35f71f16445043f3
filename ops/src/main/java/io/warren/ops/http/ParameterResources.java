package io.warren.ops.http;

import io.warren.metadata.command.MetadataCommand.LimitScope;
import io.warren.metadata.state.VhostState;
import io.warren.ops.http.Routes.Needs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/parameters}: RabbitMQ's per-vhost runtime parameters ({@code component}, {@code vhost}, {@code name},
 * {@code value}). Warren's one component so far is {@code vhost-limits} (a vhost's limits, named {@code limits}, as
 * RabbitMQ keeps them); any other component is refused as RabbitMQ refuses one whose plugin is not enabled, with
 * 400 "component ... not found" — shovel and federation parameters come with the broker's shovels and federation.
 */
final class ParameterResources {
    static final String LIMITS = "vhost-limits";

    private final ApiContext ctx;

    ParameterResources(ApiContext ctx) { this.ctx = ctx; }

    void register(Routes r) {
        r.sync("GET", "parameters", Needs.POLICYMAKER, (q, p) -> ApiResponse.ok(listed(q, null, null)));
        r.sync("GET", "parameters/{component}", Needs.POLICYMAKER, (q, p) -> ApiResponse.ok(listed(q, component(p), null)));
        r.sync("GET", "parameters/{component}/{vhost}", Needs.POLICYMAKER, (q, p) ->
                ApiResponse.ok(listed(q, component(p), ctx.visibleVhost(q, p.get("vhost")).name())));
        r.sync("GET", "parameters/{component}/{vhost}/{name}", Needs.POLICYMAKER, (q, p) -> ApiResponse.ok(listed(q, component(p),
                ctx.visibleVhost(q, p.get("vhost")).name()).stream().filter(x -> x.get("name").equals(p.get("name"))).findFirst()
                .orElseThrow(ApiException::notFound)));
        r.async("PUT", "parameters/{component}/{vhost}/{name}", Needs.POLICYMAKER, (q, p) -> {
            component(p);
            VhostState v = ctx.visibleVhost(q, p.get("vhost"));
            name(p);
            Object value = Json.required(Json.object(q.body()), "value");
            if (!(value instanceof Map<?, ?> limits)) throw ApiException.badRequest("Validation failed\n\nthe value of vhost-limits is a JSON object");
            boolean created = v.limits().isEmpty();
            @SuppressWarnings("unchecked")
            Map<String, ?> typed = (Map<String, ?>) limits;
            return ctx.access().setLimits(LimitScope.VHOST, v.name(), typed).thenApply(x -> ApiResponse.putDone(created));
        });
        r.async("DELETE", "parameters/{component}/{vhost}/{name}", Needs.POLICYMAKER, (q, p) -> {
            component(p);
            VhostState v = ctx.visibleVhost(q, p.get("vhost"));
            name(p);
            if (v.limits().isEmpty()) throw ApiException.notFound();
            return ctx.access().setLimits(LimitScope.VHOST, v.name(), Map.of()).thenApply(x -> ApiResponse.noContent());
        });
    }

    private static String component(Map<String, String> p) {
        String c = p.get("component");
        if (!c.equals(LIMITS)) {
            String later = c.startsWith("shovel") || c.startsWith("federation") ? " (Warren's shovels and federation are not built yet)" : "";
            throw ApiException.badRequest("Validation failed\n\ncomponent " + c + " not found" + later + "\n");
        }
        return c;
    }

    private static void name(Map<String, String> p) {
        if (!p.get("name").equals("limits")) throw ApiException.badRequest("Validation failed\n\nthe vhost-limits parameter is named 'limits'\n");
    }

    /** The parameters of the vhosts the asker sees (of one vhost, one component), as RabbitMQ lists them. */
    private List<Map<String, Object>> listed(ApiRequest q, String component, String vhost) {
        List<Map<String, Object>> out = new ArrayList<>();
        ctx.state().vhosts().stream().sorted(Comparator.comparing(VhostState::name)).forEach(v -> {
            if (vhost != null && !v.name().equals(vhost) || !ctx.visible(q, v.name()) || v.limits().isEmpty()) return;
            out.add(parameter(v));
        });
        return out;
    }

    /** A vhost's limits as the {@code vhost-limits} parameter (definitions export them the same way). */
    static Map<String, Object> parameter(VhostState v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("value", new java.util.TreeMap<>(v.limits()));
        m.put("vhost", v.name());
        m.put("component", LIMITS);
        m.put("name", "limits");
        return m;
    }
}
