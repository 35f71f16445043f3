package io.warren.metadata.model;

import java.util.Map;

/**
 * A queue as the metadata group knows it. {@code id} is unique over the cluster's life (a re-declared
 * queue gets a new one, so stale data never mixes in); {@code groupId} names the Raft group that keeps the
 * queue (several queues may share one), null for a queue kept in memory; {@code ownerNode} is the node that
 * holds a classic queue; {@code exclusiveOwner} is the connection that owns an exclusive queue, or null;
 * {@code members} are the nodes of the queue's group, the preferred leader first.
 * <p>Quorum queues live in groups of several members; a durable, non-exclusive classic queue lives in a
 * one-member group on its node (it survives that node's restart and crash, and goes down with it); other
 * classic queues are in memory on their node and gone when it restarts.
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

    /** Kept in a Raft group (a quorum queue, or a durable classic queue), rather than in its node's memory. */
    public boolean hasGroup() { return groupId != null; }

    /** What the metadata makes a declared queue: a durable classic queue that is not exclusive keeps its messages. */
    public static boolean keptInGroup(QueueType type, boolean durable, boolean exclusive) {
        return type == QueueType.QUORUM || (durable && !exclusive);
    }
}
