package io.warren.metadata.port;

import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.model.QueueRecord;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The operator's view of the cluster and the changes only an operator makes, as typed records: what the CLI,
 * the HTTP API and health checks call, in the node or over the link to it. Listings are the answering node's
 * applied view of the metadata (a moment behind the metadata leader at most); live figures (leaders, counts,
 * which nodes answer) are asked of the nodes that know them, each with a short deadline, so one unreachable
 * node slows a listing down but never stops it. Failures are {@link io.warren.metadata.model.DomainException}s
 * (an unknown vhost is NOT_FOUND, an invalid policy pattern INVALID_ARGUMENT, no metadata majority UNAVAILABLE).
 */
public interface Admin {
    /** A cluster member as the answering node sees it. */
    record Member(String name, String raftAddress, boolean running) { }

    /** The metadata group's leader ("" without a majority) and the members. */
    record ClusterStatus(String metadataLeader, List<Member> members) { }

    /**
     * A queue with what is live about it: the node serving it now ("" when none answers in time), the members
     * that answer, and its counts (null when the serving node did not answer in time).
     */
    record QueueInfo(QueueRecord queue, String leader, List<String> online, QueueStats stats) { }

    CompletableFuture<ClusterStatus> clusterStatus();

    /** The queues of {@code vhost} by name. */
    CompletableFuture<List<QueueInfo>> queues(String vhost);

    /** The exchanges of {@code vhost} by name, the built-in ones included. */
    CompletableFuture<List<ExchangeRecord>> exchanges(String vhost);

    /** The explicit bindings of {@code vhost} (not the default exchange's implicit ones), by source, destination, key. */
    CompletableFuture<List<BindingRecord>> bindings(String vhost);

    CompletableFuture<List<PolicyRecord>> policies(String vhost);

    /** Sets (or replaces) a policy; an invalid pattern or unknown vhost is refused. */
    CompletableFuture<Void> setPolicy(PolicyRecord policy);

    CompletableFuture<Void> clearPolicy(String vhost, String name);

    CompletableFuture<List<PolicyRecord>> operatorPolicies(String vhost);

    /**
     * Sets (or replaces) an operator policy: it caps the queue limits of matching queues whatever their arguments and
     * policies say. Only RabbitMQ's operator-policy keys are accepted (INVALID_ARGUMENT otherwise).
     */
    CompletableFuture<Void> setOperatorPolicy(PolicyRecord policy);

    CompletableFuture<Void> clearOperatorPolicy(String vhost, String name);

    /** Sets what an untyped durable queue of {@code vhost} becomes ({@code null}: the node's default_queue_type). */
    CompletableFuture<Void> setDefaultQueueType(String vhost, io.warren.metadata.model.QueueType type);

    /** The client connections, channels and consumers of every node that answers in time. */
    CompletableFuture<Sessions.Snapshot> sessions();

    /**
     * Closes a client connection wherever it is (its id names its node): 320 CONNECTION_FORCED with {@code reason};
     * false when that node has no such connection.
     */
    CompletableFuture<Boolean> closeConnection(String connectionId, String reason);

    /** forget_cluster_node: out of the metadata group and every queue group; its classic queues go. */
    CompletableFuture<Void> forgetNode(String name);
}
