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
    record AddVhost(String name) implements MetadataCommand { }

    record PutUser(UserRecord user) implements MetadataCommand { }

    record SetPermission(Permission permission) implements MetadataCommand { }

    /** {@code passive} declares are answered locally and never replicated. */
    record DeclareExchange(ExchangeRecord exchange) implements MetadataCommand { }

    record DeleteExchange(String vhost, String name, boolean ifUnused) implements MetadataCommand { }

    /**
     * Declares a queue; the id and group are assigned at apply time. A redeclare must be equivalent.
     * {@code exclusiveOwner} is the owning connection's cluster-unique id for exclusive queues.
     */
    record DeclareQueue(String vhost, String name, QueueType type, boolean durable, boolean exclusive,
                        boolean autoDelete, Map<String, Object> arguments, String ownerNode,
                        String exclusiveOwner) implements MetadataCommand { }

    /** Deletes the queue if its id is still {@code id} (0: whatever queue has the name). */
    record DeleteQueue(String vhost, String name, long id) implements MetadataCommand { }

    record Bind(BindingRecord binding) implements MetadataCommand { }

    record Unbind(BindingRecord binding) implements MetadataCommand { }

    /** A node joined the cluster (static formation or join_cluster). */
    record AddNode(io.warren.metadata.model.NodeRecord node) implements MetadataCommand { }

    /** A node was forgotten: its classic queues go, and it leaves the member lists of quorum queues. */
    record RemoveNode(String name) implements MetadataCommand { }

    record SetPolicy(io.warren.metadata.model.PolicyRecord policy) implements MetadataCommand { }

    record ClearPolicy(String vhost, String name) implements MetadataCommand { }

    /** A connection closed: its exclusive queues go with it. */
    record DropExclusiveQueues(String connectionId) implements MetadataCommand { }

    /**
     * A node (re)started: its classic queues did not survive; with {@code dropTransientExchanges} (the last
     * node of the cluster restarted) non-durable exchanges go too, as they do on a RabbitMQ restart.
     */
    record NodeStarted(String node, boolean dropTransientExchanges) implements MetadataCommand { }
}
