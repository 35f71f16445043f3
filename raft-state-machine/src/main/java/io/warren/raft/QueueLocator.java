package io.warren.raft;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.state.MetadataState;
import io.warren.raft.link.LinkCall;
import io.warren.raft.link.LinkClient;
import org.apache.ratis.protocol.RaftGroupId;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Where a queue is served now: a classic queue on its node; a group queue by its group's leader — known here when
 * this node is a member, else asked of the members and remembered until a call to it fails.
 */
final class QueueLocator {
    /** How long a lookup waits for a group to have a leader (an election under way). */
    static final long LEADER_WAIT_MS = 10_000;
    private static final long ASK_TIMEOUT_MS = 2_000;

    private final RaftNode node;
    private final Nodes nodes;
    private final LinkClient link;
    private final Supplier<MetadataState> state;
    /** Leaders of groups this node is not a member of, as last learnt (kept so that lookups stay in order). */
    private final Map<String, String> knownLeaders = new ConcurrentHashMap<>();

    QueueLocator(RaftNode node, Nodes nodes, LinkClient link, Supplier<MetadataState> state) {
        this.node = node;
        this.nodes = nodes;
        this.link = link;
        this.state = state;
    }

    /** The node serving {@code q} now, waiting up to {@value #LEADER_WAIT_MS} ms for its group to elect a leader. */
    CompletableFuture<String> locate(QueueRecord q) {
        if (!q.hasGroup()) return CompletableFuture.completedFuture(q.ownerNode());
        RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
        return Retry.until(System.currentTimeMillis() + LEADER_WAIT_MS, 50, 50, () -> leaderOnce(q, gid).thenApply(name -> {
            if (name == null || name.isEmpty() || (nodes.isSelf(name) && !node.isLeaderReady(gid))) {
                throw new DomainException(DomainException.Kind.UNAVAILABLE, "no leader for " + q.describe()
                        + ": a majority of its members " + q.members() + " cannot be reached");
            }
            return name;
        }), c -> Retry.unreachable(c) && exists(q)); // a queue deleted meanwhile (its group with it) has no leader to wait for
    }

    private CompletableFuture<String> leaderOnce(QueueRecord q, RaftGroupId gid) {
        if (q.members().contains(nodes.self())) {
            String local = node.isLeaderReady(gid) ? nodes.self() : nodes.nameOf(node.leaderOf(gid));
            if (local != null && !local.isEmpty()) return CompletableFuture.completedFuture(local);
            // a member that does not know yet (its replica of the group still starting) asks the others, who may
            List<String> others = q.members().stream().filter(m -> !nodes.isSelf(m)).toList();
            CompletableFuture<String> f = new CompletableFuture<>();
            askMember(q, others, 0, f);
            return f;
        }
        String known = knownLeaders.get(q.groupId());
        if (known != null) return CompletableFuture.completedFuture(known);
        CompletableFuture<String> f = new CompletableFuture<>();
        askMember(q, q.members(), 0, f);
        return f.thenApply(name -> {
            if (name != null && !name.isEmpty()) knownLeaders.put(q.groupId(), name);
            return name;
        });
    }

    /** Asks the members in turn who leads; the first that knows answers. */
    private void askMember(QueueRecord q, List<String> members, int i, CompletableFuture<String> f) {
        if (i >= members.size()) {
            f.complete(null);
            return;
        }
        String address;
        try {
            address = nodes.addressOf(members.get(i));
        } catch (DomainException e) {
            askMember(q, members, i + 1, f);
            return;
        }
        link.call(address, new LinkCall.Leader(q.groupId()), ASK_TIMEOUT_MS).whenComplete((name, err) -> {
            if (err == null && name != null && !name.isEmpty()) f.complete(name);
            else askMember(q, members, i + 1, f);
        });
    }

    /** A call to a queue's node failed: look its leader up again next time. */
    void forgetLeader(QueueRecord q) { if (q.groupId() != null) knownLeaders.remove(q.groupId()); }

    /** The queue is still the one declared (not deleted, nor deleted and declared again under its name). */
    boolean exists(QueueRecord q) {
        var v = state.get().vhost(q.vhost());
        QueueRecord now = v == null ? null : v.queue(q.name());
        return now != null && now.id() == q.id();
    }
}
