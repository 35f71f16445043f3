package io.warren.raft;

import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.queue.QueueFeatures;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Admin;
import io.warren.metadata.port.MetadataPort;
import io.warren.metadata.port.QueuePort;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.port.Sessions;
import io.warren.metadata.state.VhostState;
import io.warren.raft.link.LinkCall;
import io.warren.raft.link.LinkClient;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@link Admin} on this node: listings from its applied metadata, live figures asked of the nodes that have them. */
final class ClusterAdmin implements Admin {
    /** How long a listing waits for one queue's leader or counts before it leaves them out. */
    static final long LIVE_WAIT_MS = 3_000;

    private final Nodes nodes;
    private final MetadataPort metadata;
    private final QueuePort queues;
    private final QueueLocator locator;
    private final Membership membership;
    private final LinkClient link;
    private final Supplier<Sessions> local;
    private final java.util.function.Function<Iterable<QueueRecord>, Map<QueueRecord, QueueStats>> served;

    ClusterAdmin(Nodes nodes, MetadataPort metadata, QueuePort queues, QueueLocator locator, Membership membership, LinkClient link,
                 Supplier<Sessions> local, java.util.function.Function<Iterable<QueueRecord>, Map<QueueRecord, QueueStats>> served) {
        this.nodes = nodes;
        this.served = served;
        this.link = link;
        this.local = local;
        this.metadata = metadata;
        this.queues = queues;
        this.locator = locator;
        this.membership = membership;
    }

    /** A vhost for a listing call; a missing one is NOT_FOUND. */
    private VhostState vhost(String name) {
        VhostState v = metadata.state().vhost(name);
        if (v == null) throw DomainException.notFound("vhost '" + name + "'");
        return v;
    }

    private static <T> CompletableFuture<T> now(java.util.function.Supplier<T> s) {
        try {
            return CompletableFuture.completedFuture(s.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override public CompletableFuture<ClusterStatus> clusterStatus() { return membership.status(); }

    /**
     * Each node is asked once for the counts of the queues it serves (so a listing of 10,000 queues costs a call per
     * node, not per queue): a node that answers is online, and the one that serves a queue is its leader. A queue no
     * member answers is down; one that members answer for but none serves (an election under way) is looked up alone,
     * within {@link #LIVE_WAIT_MS}.
     */
    @Override
    public CompletableFuture<List<QueueInfo>> queues(String vhost) {
        List<QueueRecord> qs;
        try {
            qs = new ArrayList<>();
            vhost(vhost).queues().forEach(qs::add);
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
        qs.sort(Comparator.comparing(QueueRecord::name));
        Map<String, CompletableFuture<Map<Long, QueueStats>>> served = new HashMap<>();
        for (NodeRecord n : metadata.state().nodes()) {
            CompletableFuture<Map<Long, QueueStats>> part = nodes.isSelf(n.name()) ? now(() -> servedHere(vhost))
                    : link.call(n.raftAddress(), new LinkCall.ServedQueues(vhost), LIVE_WAIT_MS);
            served.put(n.name(), part.completeOnTimeout(null, LIVE_WAIT_MS, TimeUnit.MILLISECONDS).exceptionally(e -> null));
        }
        return CompletableFuture.allOf(served.values().toArray(CompletableFuture<?>[]::new)).thenCompose(x -> {
            List<CompletableFuture<QueueInfo>> rows = new ArrayList<>();
            for (QueueRecord q : qs) {
                List<String> online = new ArrayList<>();
                String leader = "";
                QueueStats stats = null;
                for (String m : q.hasGroup() ? q.members() : List.of(q.ownerNode())) {
                    Map<Long, QueueStats> answer = served.containsKey(m) ? served.get(m).join() : null;
                    if (answer == null) continue;
                    online.add(m);
                    QueueStats s = answer.get(q.id());
                    if (s != null) {
                        leader = m;
                        stats = s;
                    }
                }
                if (stats != null || online.isEmpty()) { // served, or none of its members answers: down, nothing more to ask
                    rows.add(CompletableFuture.completedFuture(new QueueInfo(q, leader, online, stats)));
                } else {
                    rows.add(alone(q, online));
                }
            }
            return CompletableFuture.allOf(rows.toArray(CompletableFuture<?>[]::new))
                    .thenApply(y -> rows.stream().map(CompletableFuture::join).toList());
        });
    }

    /** A queue no node said it serves: its leader and counts asked for it alone. */
    private CompletableFuture<QueueInfo> alone(QueueRecord q, List<String> online) {
        CompletableFuture<String> leader = locator.locate(q).completeOnTimeout("", LIVE_WAIT_MS, TimeUnit.MILLISECONDS)
                .exceptionally(e -> "");
        CompletableFuture<QueueStats> stats = queues.stats(q).completeOnTimeout(null, LIVE_WAIT_MS, TimeUnit.MILLISECONDS)
                .exceptionally(e -> null);
        return leader.thenCombine(stats, (l, s) -> new QueueInfo(q, l, online, s));
    }

    /** The counts of the queues of {@code vhost} ("" for all) this node serves now, by queue id. */
    Map<Long, QueueStats> servedHere(String vhost) {
        Iterable<QueueRecord> of;
        if (vhost.isEmpty()) {
            of = metadata.state().allQueues();
        } else {
            VhostState v = metadata.state().vhost(vhost);
            of = v == null ? List.of() : v.queues();
        }
        Map<Long, QueueStats> out = new HashMap<>();
        served.apply(of).forEach((q, s) -> out.put(q.id(), s));
        return out;
    }

    @Override
    public CompletableFuture<List<ExchangeRecord>> exchanges(String vhost) {
        return now(() -> {
            List<ExchangeRecord> xs = new ArrayList<>();
            vhost(vhost).exchanges().forEach(xs::add);
            xs.sort(Comparator.comparing(ExchangeRecord::name));
            return xs;
        });
    }

    @Override
    public CompletableFuture<List<BindingRecord>> bindings(String vhost) {
        return now(() -> {
            List<BindingRecord> bs = new ArrayList<>();
            vhost(vhost).bindingLists().forEach(bs::addAll);
            bs.sort(Comparator.comparing(BindingRecord::source).thenComparing(BindingRecord::destination)
                    .thenComparing(BindingRecord::routingKey));
            return bs;
        });
    }

    @Override
    public CompletableFuture<List<PolicyRecord>> policies(String vhost) { return listed(vhost, false); }

    /** A vhost's policies (or operator policies); none for an unknown vhost. */
    private CompletableFuture<List<PolicyRecord>> listed(String vhost, boolean operator) {
        return now(() -> {
            VhostState v = metadata.state().vhost(vhost);
            List<PolicyRecord> l = new ArrayList<>();
            if (v != null) (operator ? v.operatorPolicies() : v.policies()).forEach(l::add);
            return l;
        });
    }

    /** A refusal (INVALID_ARGUMENT) for a pattern that does not compile, or null. */
    private static CompletableFuture<Void> badPattern(PolicyRecord p) {
        try {
            Pattern.compile(p.pattern());
            return null;
        } catch (PatternSyntaxException e) {
            return CompletableFuture.failedFuture(DomainException.invalid("invalid pattern '" + p.pattern() + "': " + e.getDescription()));
        }
    }

    @Override
    public CompletableFuture<Void> setPolicy(PolicyRecord p) {
        CompletableFuture<Void> bad = badPattern(p);
        if (bad != null) return bad;
        return metadata.change(new MetadataCommand.SetPolicy(p)).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Void> clearPolicy(String vhost, String name) {
        return metadata.change(new MetadataCommand.ClearPolicy(vhost, name)).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<List<PolicyRecord>> operatorPolicies(String vhost) { return listed(vhost, true); }

    @Override
    public CompletableFuture<Void> setOperatorPolicy(PolicyRecord p) {
        CompletableFuture<Void> bad = badPattern(p);
        if (bad != null) return bad;
        List<String> unknown = p.definition().keySet().stream().filter(k -> !QueueFeatures.OPERATOR_POLICY_KEYS.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            return CompletableFuture.failedFuture(DomainException.invalid("Validation failed: " + unknown
                    + " are not recognised operator policy settings (allowed: " + new java.util.TreeSet<>(QueueFeatures.OPERATOR_POLICY_KEYS) + ")"));
        }
        return metadata.change(new MetadataCommand.SetOperatorPolicy(p)).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Void> setDefaultQueueType(String vhost, io.warren.metadata.model.QueueType type) {
        return metadata.change(new MetadataCommand.SetVhostDefaultQueueType(vhost, type)).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Void> clearOperatorPolicy(String vhost, String name) {
        return metadata.change(new MetadataCommand.ClearOperatorPolicy(vhost, name)).thenApply(r -> null);
    }

    @Override public CompletableFuture<Void> forgetNode(String name) { return membership.forget(name); }

    @Override
    public CompletableFuture<Boolean> closeConnection(String connectionId, String reason) {
        int slash = connectionId.lastIndexOf('/');
        String owner = slash < 0 ? "" : connectionId.substring(0, slash);
        if (nodes.isSelf(owner)) return CompletableFuture.completedFuture(closeLocal(connectionId, reason));
        NodeRecord n = metadata.state().node(owner);
        if (n == null) return CompletableFuture.completedFuture(false);
        return link.call(n.raftAddress(), new LinkCall.CloseConnection(connectionId, reason), LIVE_WAIT_MS);
    }

    /** Closes one of this node's client connections. */
    boolean closeLocal(String connectionId, String reason) { return local.get().close(connectionId, reason); }

    /** How many client connections this node holds, by vhost and user. */
    Sessions.Counts localCounts() { return local.get().counts(); }

    /** This node's client connections only. */
    CompletableFuture<Sessions.Snapshot> localSessions() { return local.get().snapshot(); }

    @Override
    public CompletableFuture<Sessions.Snapshot> sessions() {
        List<CompletableFuture<Sessions.Snapshot>> parts = new ArrayList<>();
        for (NodeRecord n : metadata.state().nodes()) {
            CompletableFuture<Sessions.Snapshot> part = nodes.isSelf(n.name()) ? localSessions()
                    : link.call(n.raftAddress(), new LinkCall.LocalSessions(), LIVE_WAIT_MS);
            parts.add(part.completeOnTimeout(Sessions.Snapshot.EMPTY, LIVE_WAIT_MS, TimeUnit.MILLISECONDS)
                    .exceptionally(e -> Sessions.Snapshot.EMPTY)); // a node that does not answer has none to show
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture<?>[]::new))
                .thenApply(x -> Sessions.Snapshot.merge(parts.stream().map(CompletableFuture::join).toList()));
    }
}
