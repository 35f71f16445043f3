package io.warren.raft;

import io.warren.raft.link.LinkCall;
import io.warren.raft.link.LinkCall.*;
import io.warren.raft.link.LinkCodec;
import io.warren.raft.meta.MetadataStateMachine;

import java.util.concurrent.CompletableFuture;

/**
 * The receiving end of link calls: decodes a call, runs it where it belongs — the queues served here, membership,
 * the metadata barrier, the operator's {@link ClusterAdmin} — and encodes the answer (a refusal or failure as an error
 * answer). One exhaustive switch over the call's op: a new call does not compile until it is dispatched here.
 */
final class LinkDispatcher {
    private final RaftNode node;
    private final Nodes nodes;
    private final QueueHost host;
    private final Membership membership;
    private final MetadataBarrier barrier;
    private final MetadataStateMachine metadata;
    private final ClusterAdmin admin;
    private final java.util.function.Supplier<Management> management;

    /** Where MANAGE calls go: the node's management API, once its front end has started (until then: 503). */
    interface Management {
        CompletableFuture<Managed> handle(Manage request);

        Management NONE = r -> CompletableFuture.completedFuture(new Managed(503,
                "{\"error\":\"service_unavailable\",\"reason\":\"the management API of this node has not started\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    LinkDispatcher(RaftNode node, Nodes nodes, QueueHost host, Membership membership, MetadataBarrier barrier,
                   MetadataStateMachine metadata, ClusterAdmin admin, java.util.function.Supplier<Management> management) {
        this.management = management;
        this.node = node;
        this.nodes = nodes;
        this.host = host;
        this.membership = membership;
        this.barrier = barrier;
        this.metadata = metadata;
        this.admin = admin;
    }

    /** Runs a call; {@code session}: the caller's ordered stream it came on (null: a single call). */
    CompletableFuture<byte[]> call(byte[] request, io.warren.raft.link.LinkSession session) {
        LinkCall<?> call;
        try {
            call = LinkCodec.decode(request);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(LinkCodec.error(e));
        }
        CompletableFuture<?> result;
        try {
            result = run(call, session);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((v, err) -> err == null ? LinkCodec.answer(call, v) : LinkCodec.error(Retry.unwrap(err)));
    }

    private CompletableFuture<?> run(LinkCall<?> call, io.warren.raft.link.LinkSession session) {
        return switch (call.op()) {
            case LEADER -> done(nodes.nameOf(node.leaderOf(GroupIds.forQueueGroup(((Leader) call).groupId()))));
            case PUBLISH, PUBLISH_ONCE -> host.publish(((Publish) call).queue(), ((Publish) call).message(), ((Publish) call).origin());
            case GET, GET_TRACKED -> done(host.get(((Get) call).queue(), ((Get) call).noAck(), ((Get) call).requestId(), session));
            case UNGET -> done(host.unget(((Unget) call).queue(), ((Unget) call).requestId()));
            case SETTLE, REQUEUE, DISCARD, RETRY -> {
                Settle s = (Settle) call;
                yield host.settle(s.queue(), s.offsets(), s.op());
            }
            case PURGE -> host.purge(((Purge) call).queue());
            case STATS -> done(host.stats(((Stats) call).queue()));
            case DECLARED -> done(host.declared(((Declared) call).queue()));
            case STATUS -> admin.clusterStatus();
            case JOIN -> done(membership.membersWith(((Join) call).node()));
            case JOIN_COMMIT -> membership.admit(((JoinCommit) call).node());
            case FORGET -> admin.forgetNode(((Forget) call).node());
            case EXPORT_METADATA -> done(metadata.exportState());
            case METADATA_APPLIED -> barrier.applied(((MetadataApplied) call).index());
            case SET_POLICY -> admin.setPolicy(((SetPolicy) call).policy());
            case CLEAR_POLICY -> admin.clearPolicy(((ClearPolicy) call).vhost(), ((ClearPolicy) call).name());
            case LIST_POLICIES -> admin.policies(((ListPolicies) call).vhost());
            case SET_OPERATOR_POLICY -> admin.setOperatorPolicy(((SetOperatorPolicy) call).policy());
            case CLEAR_OPERATOR_POLICY -> admin.clearOperatorPolicy(((ClearOperatorPolicy) call).vhost(), ((ClearOperatorPolicy) call).name());
            case LIST_OPERATOR_POLICIES -> admin.operatorPolicies(((ListOperatorPolicies) call).vhost());
            case SET_DEFAULT_QUEUE_TYPE -> {
                SetDefaultQueueType c = (SetDefaultQueueType) call;
                yield admin.setDefaultQueueType(c.vhost(), c.type().isEmpty() ? null : io.warren.metadata.model.QueueType.ofWireName(c.type()));
            }
            case LIST_QUEUES -> admin.queues(((ListQueues) call).vhost());
            case LIST_EXCHANGES -> admin.exchanges(((ListExchanges) call).vhost());
            case LIST_BINDINGS -> admin.bindings(((ListBindings) call).vhost());
            case CONNECTION_COUNTS -> done(admin.localCounts());
            case SERVED_QUEUES -> done(admin.servedHere(((ServedQueues) call).vhost()));
            case LOCAL_SESSIONS -> admin.localSessions();
            case LIST_SESSIONS -> admin.sessions();
            case MANAGE -> management.get().handle((Manage) call);
            case CLOSE_CONNECTION -> done(admin.closeLocal(((CloseConnection) call).connectionId(), ((CloseConnection) call).reason()));
        };
    }

    private static <T> CompletableFuture<T> done(T value) { return CompletableFuture.completedFuture(value); }
}
