package io.warren.ops.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The API's paths: each a method, a pattern of segments ({@code {name}} matches one segment), the tag it needs, and
 * its handler. The first match wins, so fixed segments are registered before patterns that would swallow them.
 */
public final class Routes {
    /** What a path needs of the asking user, in RabbitMQ's order of tags. */
    public enum Needs { MANAGEMENT, POLICYMAKER, MONITORING, ADMINISTRATOR }

    @FunctionalInterface
    public interface Handler {
        CompletableFuture<ApiResponse> handle(ApiRequest request, Map<String, String> params) throws Exception;
    }

    @FunctionalInterface
    public interface SyncHandler {
        ApiResponse handle(ApiRequest request, Map<String, String> params) throws Exception;
    }

    record Route(String method, String[] pattern, Needs needs, Handler handler) { }

    /** A matched route with its path parameters. */
    record Match(Route route, Map<String, String> params) { }

    private final List<Route> routes = new ArrayList<>();

    public Routes async(String method, String pattern, Needs needs, Handler handler) {
        routes.add(new Route(method, pattern.isEmpty() ? new String[0] : pattern.split("/"), needs, handler));
        return this;
    }

    public Routes sync(String method, String pattern, Needs needs, SyncHandler handler) {
        return async(method, pattern, needs, (r, p) -> CompletableFuture.completedFuture(handler.handle(r, p)));
    }

    /** The route for a method and path; null when no path matches, and a 405 route when only the method differs. */
    Match match(String method, List<String> path) {
        boolean pathKnown = false;
        for (Route r : routes) {
            Map<String, String> params = matches(r.pattern(), path);
            if (params == null) continue;
            pathKnown = true;
            if (r.method().equals(method) || method.equals("HEAD") && r.method().equals("GET")) return new Match(r, params);
        }
        if (!pathKnown) return null;
        return new Match(new Route(method, new String[0], Needs.MANAGEMENT,
                (q, p) -> CompletableFuture.completedFuture(ApiResponse.error(405, "method_not_allowed", "Method Not Allowed"))), Map.of());
    }

    private static Map<String, String> matches(String[] pattern, List<String> path) {
        if (pattern.length != path.size()) return null;
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) params.put(p.substring(1, p.length() - 1), path.get(i));
            else if (!p.equals(path.get(i))) return null;
        }
        return params;
    }
}
