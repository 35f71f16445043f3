package io.warren.raft.link;

import io.warren.metadata.codec.StableCode;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Admin;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.port.Sessions;

import java.util.List;

/**
 * The calls one node makes to another over the link, each a typed request whose answer type is {@code R}.
 * {@link LinkCodec} writes and reads them (and their answers); the receiving node dispatches on {@link #op()}.
 */
public sealed interface LinkCall<R> {
    /** Which call: its code on the wire (stable codes, fixed once). */
    enum Op implements StableCode {
        LEADER(1), PUBLISH(2), GET(3), SETTLE(4), REQUEUE(5), PURGE(6), STATS(7), DISCARD(8), STATUS(9), JOIN(10),
        JOIN_COMMIT(11), FORGET(12), EXPORT_METADATA(13), SET_POLICY(14), CLEAR_POLICY(15), LIST_POLICIES(16),
        LIST_QUEUES(17), LIST_EXCHANGES(18), LIST_BINDINGS(19), METADATA_APPLIED(20), LOCAL_SESSIONS(21), LIST_SESSIONS(22),
        DECLARED(23), RETRY(24), SET_OPERATOR_POLICY(25), CLEAR_OPERATOR_POLICY(26), LIST_OPERATOR_POLICIES(27),
        SET_DEFAULT_QUEUE_TYPE(28), PUBLISH_ONCE(29), GET_TRACKED(30), UNGET(31), MANAGE(32), CLOSE_CONNECTION(33), SERVED_QUEUES(34), CONNECTION_COUNTS(35);

        private final int code;
        private static final Op[] BY_CODE = StableCode.byCode(values());

        Op(int code) { this.code = code; }

        @Override public int code() { return code; }

        public static Op ofCode(int code) { return StableCode.of(BY_CODE, code); }
    }

    Op op();

    // ---- queue operations, run where the queue is served ----

    /** Who leads a queue group, as the asked node knows it ("" when it does not). */
    record Leader(String groupId) implements LinkCall<String> { public Op op() { return Op.LEADER; } }

    /** A publish; with an {@code origin} (PUBLISH_ONCE: a message the broker republishes) the queue takes it once. */
    record Publish(QueueRecord queue, Message message, Origin origin) implements LinkCall<Void> {
        public Publish(QueueRecord queue, Message message) { this(queue, message, null); }

        public Op op() { return origin == null ? Op.PUBLISH : Op.PUBLISH_ONCE; }
    }

    /**
     * basic.get: the next ready message, or null. With a {@code requestId} (GET_TRACKED) the serving node remembers
     * what it handed out, so the caller can take it back with {@link Unget} when the answer was lost.
     */
    record Get(QueueRecord queue, boolean noAck, long requestId) implements LinkCall<Delivery> {
        public Get(QueueRecord queue, boolean noAck) { this(queue, noAck, 0); }

        public Op op() { return requestId == 0 ? Op.GET : Op.GET_TRACKED; }
    }

    /** A tracked get's answer never arrived: return what it handed out (if it did), and let a late one take nothing. */
    record Unget(QueueRecord queue, long requestId) implements LinkCall<Void> { public Op op() { return Op.UNGET; } }

    /**
     * Settles ({@code SETTLE}: acked, {@code DISCARD}: dropped) or returns delivered messages ({@code REQUEUE}; {@code
     * RETRY}: after a failed delivery, nack/reject with requeue).
     */
    record Settle(Op op, QueueRecord queue, long[] offsets) implements LinkCall<Void> {
        public Settle {
            if (op != Op.SETTLE && op != Op.REQUEUE && op != Op.DISCARD && op != Op.RETRY) throw new IllegalArgumentException("not a settle: " + op);
        }
    }

    record Purge(QueueRecord queue) implements LinkCall<Long> { public Op op() { return Op.PURGE; } }

    record Stats(QueueRecord queue) implements LinkCall<QueueStats> { public Op op() { return Op.STATS; } }

    /** The queue was declared again: its counts, and its lease ({@code x-expires}) starts over. */
    record Declared(QueueRecord queue) implements LinkCall<QueueStats> { public Op op() { return Op.DECLARED; } }

    // ---- the cluster ----

    record Status() implements LinkCall<Admin.ClusterStatus> { public Op op() { return Op.STATUS; } }

    /** A joining node asks for the members it must form the metadata group with (itself included). */
    record Join(NodeRecord node) implements LinkCall<List<NodeRecord>> { public Op op() { return Op.JOIN; } }

    /** The joining node has the metadata group: make it a member. */
    record JoinCommit(NodeRecord node) implements LinkCall<Void> { public Op op() { return Op.JOIN_COMMIT; } }

    record Forget(String node) implements LinkCall<Void> { public Op op() { return Op.FORGET; } }

    /** The metadata state as its snapshot bytes (for a replica that fell behind the leader's log). */
    record ExportMetadata() implements LinkCall<byte[]> { public Op op() { return Op.EXPORT_METADATA; } }

    /** Answered once the asked node has applied the metadata log up to {@code index} (or cannot soon). */
    record MetadataApplied(long index) implements LinkCall<Void> { public Op op() { return Op.METADATA_APPLIED; } }

    // ---- the operator's calls (Admin) ----

    record SetPolicy(PolicyRecord policy) implements LinkCall<Void> { public Op op() { return Op.SET_POLICY; } }

    record ClearPolicy(String vhost, String name) implements LinkCall<Void> { public Op op() { return Op.CLEAR_POLICY; } }

    record ListPolicies(String vhost) implements LinkCall<List<PolicyRecord>> { public Op op() { return Op.LIST_POLICIES; } }

    record SetOperatorPolicy(PolicyRecord policy) implements LinkCall<Void> { public Op op() { return Op.SET_OPERATOR_POLICY; } }

    record ClearOperatorPolicy(String vhost, String name) implements LinkCall<Void> { public Op op() { return Op.CLEAR_OPERATOR_POLICY; } }

    /** {@code type}: a queue type's wire name, or "" for the node's default. */
    record SetDefaultQueueType(String vhost, String type) implements LinkCall<Void> { public Op op() { return Op.SET_DEFAULT_QUEUE_TYPE; } }

    record ListOperatorPolicies(String vhost) implements LinkCall<List<PolicyRecord>> { public Op op() { return Op.LIST_OPERATOR_POLICIES; } }

    record ListQueues(String vhost) implements LinkCall<List<Admin.QueueInfo>> { public Op op() { return Op.LIST_QUEUES; } }

    record ListExchanges(String vhost) implements LinkCall<List<ExchangeRecord>> { public Op op() { return Op.LIST_EXCHANGES; } }

    record ListBindings(String vhost) implements LinkCall<List<BindingRecord>> { public Op op() { return Op.LIST_BINDINGS; } }

    /** The client connections of the asked node alone (a cluster-wide listing asks every node). */
    record LocalSessions() implements LinkCall<Sessions.Snapshot> { public Op op() { return Op.LOCAL_SESSIONS; } }

    /**
     * A management API request from the node's operator (the CLI, which holds the cluster secret): method, the path's
     * segments after /api, the query and the body; answered with the API's status and body.
     */
    record Manage(String method, List<String> path, java.util.Map<String, String> query, byte[] body) implements LinkCall<Managed> {
        public Manage {
            path = List.copyOf(path);
            query = java.util.Map.copyOf(query);
        }

        public Op op() { return Op.MANAGE; }
    }

    /** The management API's answer to a {@link Manage}: HTTP status and body (JSON, or empty). */
    record Managed(int status, byte[] body) { }

    /** Closes one of the asked node's client connections (true: it had it). */
    record CloseConnection(String connectionId, String reason) implements LinkCall<Boolean> { public Op op() { return Op.CLOSE_CONNECTION; } }

    /**
     * The counts of the queues of {@code vhost} ("" for every vhost) that the asked node serves now (its classic queues,
     * the groups it leads), by queue id: one call per node answers a listing of any number of queues.
     */
    record ServedQueues(String vhost) implements LinkCall<java.util.Map<Long, QueueStats>> { public Op op() { return Op.SERVED_QUEUES; } }

    /** How many client connections the asked node holds, by vhost and user (for cluster-wide connection limits). */
    record ConnectionCounts() implements LinkCall<Sessions.Counts> { public Op op() { return Op.CONNECTION_COUNTS; } }

    /** The client connections of every node that answers the asked one in time. */
    record ListSessions() implements LinkCall<Sessions.Snapshot> { public Op op() { return Op.LIST_SESSIONS; } }
}
