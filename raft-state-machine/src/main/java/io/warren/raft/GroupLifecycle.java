package io.warren.raft;

import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.state.MetadataState;
import io.warren.raft.queue.QueueGroupStateMachine;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The life of this node's queue groups and engines as metadata commands apply: a declared queue gets its group (or,
 * classic and in memory, its engine), a deleted one loses its data and — when no other queue lives in it — its group;
 * at start-up the groups are reconciled with the metadata. Every group change runs on the one housekeeping thread:
 * one owner for a group's life, so creation and removal never race for the same group.
 */
final class GroupLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(GroupLifecycle.class);

    private final RaftNode node;
    private final Nodes nodes;
    private final QueueHost host;
    private final Supplier<MetadataState> state;
    private final ExecutorService housekeeping;

    GroupLifecycle(RaftNode node, Nodes nodes, QueueHost host, Supplier<MetadataState> state, ExecutorService housekeeping) {
        this.node = node;
        this.nodes = nodes;
        this.host = host;
        this.state = state;
        this.housekeeping = housekeeping;
    }

    /** Called on the metadata group's apply thread on every node: local effects only, never blocking. */
    void applied(MetadataCommand cmd, CommandResult result) {
        if (result instanceof CommandResult.QueueDeclared d && d.created()) {
            declared(d.queue());
        } else if (result instanceof CommandResult.QueuesDeleted del) {
            for (QueueRecord q : del.queues()) deleted(q);
        }
    }

    private void declared(QueueRecord q) {
        if (!q.hasGroup() && nodes.isSelf(q.ownerNode())) host.classicDeclared(q);
        if (q.hasGroup() && q.members().contains(nodes.self())) {
            housekeeping.execute(() -> {
                RaftGroupId g = GroupIds.forQueueGroup(q.groupId());
                if (!node.hasGroup(g)) node.addGroup(nodes.queueGroup(q)).exceptionally(e -> {
                    LOG.warn("creating the group of {} failed: {}", q.describe(), e.toString());
                    return null;
                });
            });
        }
    }

    private void deleted(QueueRecord q) {
        host.queueDeleted(q);
        if (q.hasGroup() && q.members().contains(nodes.self())) {
            boolean shared = state.get().allQueues().stream().anyMatch(o -> q.groupId().equals(o.groupId()));
            housekeeping.execute(() -> { if (shared) dropQueueOfSharedGroup(q); else dropGroup(q); });
        }
    }

    /** Other queues still live in the group: only this queue's data goes (and later ops for it are ignored). */
    private void dropQueueOfSharedGroup(QueueRecord q) {
        RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
        try {
            if (node.hasGroup(gid)) ((QueueGroupStateMachine) node.stateMachine(gid)).dropQueue(q.id());
        } catch (IOException e) {
            LOG.warn("dropping {} from its shared group failed: {}", q.describe(), e.toString());
        }
    }

    private void dropGroup(QueueRecord q) {
        RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
        try {
            if (node.hasGroup(gid)) {
                QueueGroupStateMachine sm = (QueueGroupStateMachine) node.stateMachine(gid);
                node.removeGroup(gid).get(30, TimeUnit.SECONDS);
                sm.dropGroup();
            }
        } catch (Exception e) {
            LOG.warn("removing the group of {} failed: {}", q.describe(), e.toString());
        } finally {
            host.groupRemoved(gid);
        }
    }

    /** Creates the groups of this node's group queues that it lacks; removes groups no queue refers to. Blocks. */
    void reconcile() throws IOException {
        try {
            housekeeping.submit(() -> { reconcileNow(); return null; }).get(300, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IOException("reconciling queue groups: " + e, e);
        }
    }

    private void reconcileNow() throws Exception {
        Set<RaftGroupId> wanted = new HashSet<>();
        for (QueueRecord q : state.get().allQueues()) {
            if (!q.hasGroup() || !q.members().contains(nodes.self())) continue;
            RaftGroupId g = GroupIds.forQueueGroup(q.groupId());
            wanted.add(g);
            if (!node.hasGroup(g)) node.addGroup(nodes.queueGroup(q)).get(30, TimeUnit.SECONDS);
        }
        for (RaftGroupId g : node.server().getGroupIds()) {
            if (GroupIds.isMetadata(g) || wanted.contains(g)) continue;
            LOG.info("removing group {}: no queue of this node refers to it", g);
            try {
                QueueGroupStateMachine sm = (QueueGroupStateMachine) node.stateMachine(g);
                node.removeGroup(g).get(30, TimeUnit.SECONDS);
                sm.dropGroup();
            } catch (ExecutionException e) {
                if (!(Retry.unwrap(e.getCause()) instanceof GroupMismatchException)) throw e;
                LOG.info("group {} is already gone", g);
            } catch (GroupMismatchException e) {
                LOG.info("group {} is already gone", g);
            }
        }
    }
}
