package io.warren.ops.http;

import io.warren.amqp.server.ConnectionRegistry;
import io.warren.metadata.service.AccessControl;
import io.warren.metadata.state.MetadataState;
import io.warren.raft.RaftBroker;

import java.util.function.Predicate;

/**
 * What the API's resources reach on this node: the broker and its services, access control, the AMQP connections held
 * here, the node's alarms, and which loopback-only users this node lets in from elsewhere.
 */
public record ApiContext(RaftBroker broker, AccessControl access, ConnectionRegistry connections, io.warren.ops.ResourceAlarms alarms,
                         Predicate<String> loopbackExempt, int amqpPort, long startedAtMs) {
    public static final String PRODUCT_VERSION = "0.1.0";
    /** The RabbitMQ version Warren answers as (clients, tools and dashboards look at it to pick features). */
    public static final String RABBITMQ_VERSION = "3.10.0";

    public MetadataState state() { return broker.state(); }

    public String nodeName() { return broker.nodeName(); }

    /** Whether the asker sees a vhost's objects: administrators and monitoring users every vhost, others where they have permissions. */
    public boolean visible(ApiRequest q, String vhost) { return q.seesAll() || state().permission(q.userName(), vhost) != null; }

    /** A vhost the asker may see: 404 {@code vhost_not_found} when there is none, 401 "Access refused." when it may not. */
    public io.warren.metadata.state.VhostState visibleVhost(ApiRequest q, String name) {
        var v = state().vhost(name);
        if (v == null) throw new ApiException(404, "not_found", "vhost_not_found");
        if (!visible(q, name)) throw ApiException.notAuthorised("Access refused.");
        return v;
    }

    /** The cluster's name: its cluster_name global parameter, else (a cluster from before it had one) its first node by name. */
    public String clusterName() {
        String json = state().globalParameters().get("cluster_name");
        if (json != null) {
            try {
                return String.valueOf(Json.MAPPER.readValue(json, Object.class));
            } catch (java.io.IOException e) {
                return json;
            }
        }
        return state().nodes().stream().map(io.warren.metadata.model.NodeRecord::name).findFirst().orElse(nodeName());
    }
}
