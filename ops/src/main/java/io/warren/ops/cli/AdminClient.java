package io.warren.ops.cli;

import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.port.Admin;
import io.warren.metadata.port.Sessions;
import io.warren.raft.link.Link;
import io.warren.raft.link.LinkCall;
import io.warren.raft.link.LinkClient;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@link Admin} of one node, over the node-to-node link (needs the cluster secret): what {@code warren ctl} prints, and
 * what tests and tools call. A node that cannot be reached fails the call with UNAVAILABLE, naming it.
 */
public final class AdminClient implements Admin, AutoCloseable {
    private final String node;
    private final LinkClient link;
    private final long timeoutMs;

    public AdminClient(String node, String secret, long timeoutMs) {
        this.node = node;
        this.link = new LinkClient(Link.digest(secret));
        this.timeoutMs = timeoutMs;
    }

    private <R> CompletableFuture<R> call(LinkCall<R> call) {
        return link.call(node, call, timeoutMs).exceptionallyCompose(e -> {
            Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            return CompletableFuture.failedFuture(c instanceof DomainException ? c
                    : new DomainException(DomainException.Kind.UNAVAILABLE, "cannot reach node " + node + ": " + c.getMessage()));
        });
    }

    @Override public CompletableFuture<ClusterStatus> clusterStatus() { return call(new LinkCall.Status()); }

    @Override public CompletableFuture<List<QueueInfo>> queues(String vhost) { return call(new LinkCall.ListQueues(vhost)); }

    @Override public CompletableFuture<List<ExchangeRecord>> exchanges(String vhost) { return call(new LinkCall.ListExchanges(vhost)); }

    @Override public CompletableFuture<List<BindingRecord>> bindings(String vhost) { return call(new LinkCall.ListBindings(vhost)); }

    @Override public CompletableFuture<List<PolicyRecord>> policies(String vhost) { return call(new LinkCall.ListPolicies(vhost)); }

    @Override public CompletableFuture<Void> setPolicy(PolicyRecord policy) { return call(new LinkCall.SetPolicy(policy)); }

    @Override public CompletableFuture<Void> clearPolicy(String vhost, String name) { return call(new LinkCall.ClearPolicy(vhost, name)); }

    @Override public CompletableFuture<List<PolicyRecord>> operatorPolicies(String vhost) { return call(new LinkCall.ListOperatorPolicies(vhost)); }

    @Override public CompletableFuture<Void> setOperatorPolicy(PolicyRecord p) { return call(new LinkCall.SetOperatorPolicy(p)); }

    @Override public CompletableFuture<Void> setDefaultQueueType(String vhost, io.warren.metadata.model.QueueType type) {
        return call(new LinkCall.SetDefaultQueueType(vhost, type == null ? "" : type.wireName()));
    }

    @Override public CompletableFuture<Void> clearOperatorPolicy(String vhost, String name) { return call(new LinkCall.ClearOperatorPolicy(vhost, name)); }

    @Override public CompletableFuture<Void> forgetNode(String name) { return call(new LinkCall.Forget(name)); }

    /** Through the asked node's management API, which finds the connection's node. */
    @Override public CompletableFuture<Boolean> closeConnection(String id, String reason) {
        return manage("DELETE", List.of("connections", id), java.util.Map.of("reason", reason), null).thenApply(m -> m.status() < 300);
    }

    /** The connections of every node, gathered by the asked one. */
    @Override public CompletableFuture<Sessions.Snapshot> sessions() { return call(new LinkCall.ListSessions()); }

    /** A management API request, run by the node as its operator's (the cluster secret is the credential). */
    public CompletableFuture<LinkCall.Managed> manage(String method, List<String> path, java.util.Map<String, String> query, byte[] body) {
        return call(new LinkCall.Manage(method, path, query, body == null ? new byte[0] : body));
    }

    @Override public void close() { link.close(); }
}
