package io.warren.metadata.command;

import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.model.UserRecord;

import java.util.Map;

/**
 * The replicated metadata commands. Each is applied by {@link io.warren.metadata.state.MetadataState#apply}
 * deterministically: the outcome (including refusals) depends only on the state and the command.
 */
public sealed interface MetadataCommand {
    /** Which command: the tag written to the log (stable codes), and what every codec and apply switches over. */
    enum Kind implements io.warren.metadata.codec.StableCode {
        ADD_VHOST(1),
        PUT_USER(2),
        SET_PERMISSION(3),
        DECLARE_EXCHANGE(4),
        DELETE_EXCHANGE(5),
        DECLARE_QUEUE(6),
        DELETE_QUEUE(7),
        BIND(8),
        UNBIND(9),
        DROP_EXCLUSIVE_QUEUES(10),
        NODE_STARTED(11),
        ADD_NODE(12),
        REMOVE_NODE(13),
        SET_POLICY(14),
        CLEAR_POLICY(15),
        SET_OPERATOR_POLICY(16),
        CLEAR_OPERATOR_POLICY(17),
        SET_VHOST_DEFAULT_QUEUE_TYPE(18),
        /** {@link PutUser} with the hash's algorithm: what is written now (PUT_USER, 2, is what older logs hold). */
        PUT_USER_HASHED(19),
        DELETE_USER(20),
        CLEAR_PERMISSION(21),
        DELETE_VHOST(22),
        SET_VHOST_METADATA(23),
        SET_TOPIC_PERMISSION(24),
        CLEAR_TOPIC_PERMISSION(25),
        SET_LIMITS(26),
        SET_GLOBAL_PARAMETER(27);

        private final int code;
        private static final Kind[] BY_CODE = io.warren.metadata.codec.StableCode.byCode(values());

        Kind(int code) { this.code = code; }

        @Override public int code() { return code; }

        public static Kind ofCode(int code) { return io.warren.metadata.codec.StableCode.of(BY_CODE, code); }
    }

    Kind kind();
    record AddVhost(String name) implements MetadataCommand { public Kind kind() { return Kind.ADD_VHOST; } }

    /** Adds or replaces a user (its tags and password hash as given). */
    record PutUser(UserRecord user) implements MetadataCommand { public Kind kind() { return Kind.PUT_USER_HASHED; } }

    /** Deletes a user with its permissions, topic permissions and limits. */
    record DeleteUser(String name) implements MetadataCommand { public Kind kind() { return Kind.DELETE_USER; } }

    record SetPermission(Permission permission) implements MetadataCommand { public Kind kind() { return Kind.SET_PERMISSION; } }

    record ClearPermission(String user, String vhost) implements MetadataCommand { public Kind kind() { return Kind.CLEAR_PERMISSION; } }

    record SetTopicPermission(io.warren.metadata.model.TopicPermission permission) implements MetadataCommand {
        public Kind kind() { return Kind.SET_TOPIC_PERMISSION; }
    }

    /** Clears a user's topic permissions in a vhost: on one exchange, or on all of them ({@code exchange} ""). */
    record ClearTopicPermission(String user, String vhost, String exchange) implements MetadataCommand {
        public Kind kind() { return Kind.CLEAR_TOPIC_PERMISSION; }
    }

    /** Deletes a vhost and everything in it: exchanges, bindings, queues (with their groups), policies, permissions. */
    record DeleteVhost(String name) implements MetadataCommand { public Kind kind() { return Kind.DELETE_VHOST; } }

    record SetVhostMetadata(String name, String description, java.util.List<String> tags) implements MetadataCommand {
        public SetVhostMetadata { tags = java.util.List.copyOf(tags); }

        public Kind kind() { return Kind.SET_VHOST_METADATA; }
    }

    /** A global runtime parameter (cluster_name, ...): its value as JSON text; null clears it. */
    record SetGlobalParameter(String name, String valueJson) implements MetadataCommand {
        public Kind kind() { return Kind.SET_GLOBAL_PARAMETER; }
    }

    /** Whose limits: a vhost's ({@code max-connections}, {@code max-queues}) or a user's ({@code max-connections}, {@code max-channels}). */
    enum LimitScope implements io.warren.metadata.codec.StableCode {
        VHOST(1), USER(2);

        private final int code;
        private static final LimitScope[] BY_CODE = io.warren.metadata.codec.StableCode.byCode(values());

        LimitScope(int code) { this.code = code; }

        @Override public int code() { return code; }

        public static LimitScope ofCode(int code) { return io.warren.metadata.codec.StableCode.of(BY_CODE, code); }
    }

    /** Replaces the limits of a vhost or a user (an empty map clears them; a negative value means no limit). */
    record SetLimits(LimitScope scope, String name, Map<String, Long> limits) implements MetadataCommand {
        public SetLimits { limits = Map.copyOf(limits); }

        public Kind kind() { return Kind.SET_LIMITS; }
    }

    /** {@code passive} declares are answered locally and never replicated. */
    record DeclareExchange(ExchangeRecord exchange) implements MetadataCommand { public Kind kind() { return Kind.DECLARE_EXCHANGE; } }

    record DeleteExchange(String vhost, String name, boolean ifUnused) implements MetadataCommand { public Kind kind() { return Kind.DELETE_EXCHANGE; } }

    /**
     * Declares a queue; the id and group are assigned at apply time. A redeclare must be equivalent.
     * {@code exclusiveOwner} is the owning connection's cluster-unique id for exclusive queues.
     */
    record DeclareQueue(String vhost, String name, QueueType type, boolean durable, boolean exclusive,
                        boolean autoDelete, Map<String, Object> arguments, String ownerNode,
                        String exclusiveOwner) implements MetadataCommand { public Kind kind() { return Kind.DECLARE_QUEUE; } }

    /** Deletes the queue if its id is still {@code id} (0: whatever queue has the name). */
    record DeleteQueue(String vhost, String name, long id) implements MetadataCommand { public Kind kind() { return Kind.DELETE_QUEUE; } }

    record Bind(BindingRecord binding) implements MetadataCommand { public Kind kind() { return Kind.BIND; } }

    record Unbind(BindingRecord binding) implements MetadataCommand { public Kind kind() { return Kind.UNBIND; } }

    /** A node joined the cluster (static formation or join_cluster). */
    record AddNode(io.warren.metadata.model.NodeRecord node) implements MetadataCommand { public Kind kind() { return Kind.ADD_NODE; } }

    /** A node was forgotten: its classic queues go, and it leaves the member lists of quorum queues. */
    record RemoveNode(String name) implements MetadataCommand { public Kind kind() { return Kind.REMOVE_NODE; } }

    record SetPolicy(io.warren.metadata.model.PolicyRecord policy) implements MetadataCommand { public Kind kind() { return Kind.SET_POLICY; } }

    record ClearPolicy(String vhost, String name) implements MetadataCommand { public Kind kind() { return Kind.CLEAR_POLICY; } }

    /** An operator policy: limits an operator sets over whatever the applications' policies and arguments say. */
    record SetOperatorPolicy(io.warren.metadata.model.PolicyRecord policy) implements MetadataCommand {
        public Kind kind() { return Kind.SET_OPERATOR_POLICY; }
    }

    record ClearOperatorPolicy(String vhost, String name) implements MetadataCommand { public Kind kind() { return Kind.CLEAR_OPERATOR_POLICY; } }

    /** What an untyped durable queue of the vhost becomes; null: the declaring node's {@code default_queue_type}. */
    record SetVhostDefaultQueueType(String vhost, QueueType type) implements MetadataCommand {
        public Kind kind() { return Kind.SET_VHOST_DEFAULT_QUEUE_TYPE; }
    }

    /** A connection closed: its exclusive queues go with it. */
    record DropExclusiveQueues(String connectionId) implements MetadataCommand { public Kind kind() { return Kind.DROP_EXCLUSIVE_QUEUES; } }

    /**
     * A node (re)started: its classic queues did not survive; with {@code dropTransientExchanges} (the last
     * node of the cluster restarted) non-durable exchanges go too, as they do on a RabbitMQ restart.
     */
    record NodeStarted(String node, boolean dropTransientExchanges) implements MetadataCommand { public Kind kind() { return Kind.NODE_STARTED; } }
}
