package io.warren.metadata.model;

import java.util.Map;

/**
 * A queue as the metadata group knows it. {@code id} is unique over the cluster's life (a re-declared
 * queue gets a new one, so stale data never mixes in); {@code groupId} names the Raft group that hosts a
 * quorum queue (several queues may share one); {@code ownerNode} is the node that holds a classic queue;
 * {@code exclusiveOwner} is the connection that owns an exclusive queue, or null; {@code members} are the
 * nodes of a quorum queue's group, the preferred leader first.
 */
public record QueueRecord(String vhost, String name, long id, QueueType type, boolean durable, boolean exclusive,
                          boolean autoDelete, Map<String, Object> arguments, String groupId, String ownerNode,
                          String exclusiveOwner, java.util.List<String> members) {
    public QueueRecord {
        arguments = Map.copyOf(ExchangeRecord.nullToEmpty(arguments));
        members = java.util.List.copyOf(members);
    }

    /** The member that should lead the queue's group (placement's choice; the first member). */
    public String preferredLeader() { return members.isEmpty() ? ownerNode : members.get(0); }

    public String describe() { return "queue '" + name + "' in vhost '" + vhost + "'"; }

    public boolean isQuorum() { return type == QueueType.QUORUM; }
}
