package io.warren.ops.http;

import io.warren.metadata.model.UserRecord;
import io.warren.metadata.service.AccessControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * RabbitMQ's management API, protocol-neutral: who asks (HTTP basic auth with a Warren user and the tag rules, or the
 * node's operator over the cluster link), which route, and the route's answer. The HTTP server and the CLI both call
 * {@link #handle}; the resources behind it are {@link AccessResources}, {@link BrokerResources},
 * {@link ClusterResources} and {@link DefinitionsResource}.
 */
public final class ManagementApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ManagementApi.class);
    private static final Set<String> MANAGEMENT_TAGS = Set.of("management", "policymaker", "monitoring", "administrator");

    private final Routes routes = new Routes();
    private final AccessControl access;
    private final java.util.function.Predicate<String> loopbackExempt;
    private final NodeFigures figures;

    public ManagementApi(ApiContext context) {
        this.access = context.access();
        this.loopbackExempt = context.loopbackExempt();
        this.figures = new NodeFigures(context);
        NodeResources nodes = new NodeResources(context, figures);
        nodes.register(routes);
        new AccessResources(context).register(routes);
        new BrokerResources(context, nodes::queueMessageStats).register(routes);
        new ClusterResources(context).register(routes);
        new DefinitionsResource(context).register(routes);
        new ParameterResources(context).register(routes);
    }

    /** A request that came over HTTP: {@code authorization} is its Authorization header (null if none). */
    public CompletableFuture<ApiResponse> handleHttp(String method, List<String> path, Map<String, String> query, byte[] body,
                                                     Map<String, String> headers, boolean fromLoopback) {
        Routes.Match m = routes.match(method, path);
        if (m == null) return CompletableFuture.completedFuture(ApiException.notFound().response());
        UserRecord user = login(headers.get("authorization"), fromLoopback);
        if (user == null) {
            return CompletableFuture.completedFuture(ApiResponse.error(401, "not_authorised", "Login failed")
                    .withHeader("WWW-Authenticate", "Basic realm=\"RabbitMQ Management\""));
        }
        return run(m, new ApiRequest(method, path, query, body, headers, user, false));
    }

    /** A request from the node's operator (the CLI over the cluster link): every route, as an administrator. */
    public CompletableFuture<ApiResponse> handleOperator(String method, List<String> path, Map<String, String> query, byte[] body) {
        Routes.Match m = routes.match(method, path);
        if (m == null) return CompletableFuture.completedFuture(ApiException.notFound().response());
        return run(m, new ApiRequest(method, path, query, body, Map.of(), null, true));
    }

    private CompletableFuture<ApiResponse> run(Routes.Match m, ApiRequest r) {
        if (!r.operator()) {
            if (r.user().tags().stream().noneMatch(MANAGEMENT_TAGS::contains)) {
                return done(ApiResponse.error(401, "not_authorised", "Not management user"));
            }
            String refusal = switch (m.route().needs()) {
                case MANAGEMENT -> null;
                case POLICYMAKER -> r.hasTag("policymaker") || r.isAdministrator() ? null : "Not policymaker user";
                case MONITORING -> r.hasTag("monitoring") || r.isAdministrator() ? null : "Not monitor user";
                case ADMINISTRATOR -> r.isAdministrator() ? null : "Not administrator user";
            };
            if (refusal != null) return done(ApiResponse.error(401, "not_authorised", refusal));
        }
        try {
            return m.route().handler().handle(r, m.params()).exceptionally(ApiException::toResponse);
        } catch (Exception e) {
            ApiResponse res = ApiException.toResponse(e);
            if (res.status() == 500) LOG.warn("{} /api/{} failed", r.method(), String.join("/", r.path()), e);
            return done(res);
        }
    }

    /** The user of a basic-auth header if its password is right (and it may log in from where it is); else null. */
    private UserRecord login(String authorization, boolean fromLoopback) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) return null;
        String name = decoded.substring(0, colon);
        UserRecord u = access.authenticate(name, decoded.substring(colon + 1));
        if (u != null && u.loopbackOnly() && !fromLoopback && !loopbackExempt.test(name)) u = null;
        if (u == null) LOG.warn("HTTP access denied: user '{}' - invalid credentials", name);
        return u;
    }

    /** A listener of this node has started ({@code http}, {@code prometheus}): the overview and {@code listeners} show it. */
    public void listening(String protocol, int port) { figures.listening(protocol, port); }

    /** Stops sampling the message rates. */
    @Override public void close() { figures.close(); }

    private static CompletableFuture<ApiResponse> done(ApiResponse r) { return CompletableFuture.completedFuture(r); }
}
