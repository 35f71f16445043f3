package io.warren.raft;

import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.port.Sessions;
import io.warren.metadata.state.MetadataState;
import io.warren.metadata.state.VhostState;
import io.warren.raft.link.LinkCall;
import io.warren.raft.link.LinkClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The client connections (and each user's channels) the other nodes hold, by vhost and user, so that
 * {@code max-connections} and a user's {@code max-channels} count the whole cluster as RabbitMQ's do. Asked of every
 * other node once a second, and only while some vhost or user has such a limit (nothing is asked otherwise). A node
 * that does not answer within the second counts as holding none; between two rounds, connections opened at the same
 * time on different nodes can pass a limit by what they opened in that second (RabbitMQ's own tracking is
 * asynchronous too).
 */
final class PeerConnectionCounts {
    static final long PERIOD_MS = 1_000;

    private final Nodes nodes;
    private final Supplier<MetadataState> state;
    private final LinkClient link;
    private volatile Sessions.Counts last = Sessions.Counts.NONE;
    private ScheduledFuture<?> task;
    private volatile boolean inFlight;

    PeerConnectionCounts(Nodes nodes, Supplier<MetadataState> state, LinkClient link) {
        this.nodes = nodes;
        this.state = state;
        this.link = link;
    }

    void start(ScheduledExecutorService timer) { task = timer.scheduleWithFixedDelay(this::refresh, 0, PERIOD_MS, TimeUnit.MILLISECONDS); }

    void stop() { if (task != null) task.cancel(false); }

    Sessions.Counts get() { return last; }

    private boolean limited() {
        MetadataState s = state.get();
        for (VhostState v : s.vhosts()) if (v.limit("max-connections") >= 0) return true;
        return s.access().anyUserLimit("max-connections") || s.access().anyUserLimit("max-channels");
    }

    private void refresh() {
        if (inFlight) return;
        if (!limited()) {
            last = Sessions.Counts.NONE;
            return;
        }
        List<CompletableFuture<Sessions.Counts>> asked = new ArrayList<>();
        for (NodeRecord n : state.get().nodes()) {
            if (nodes.isSelf(n.name())) continue;
            asked.add(link.call(n.raftAddress(), new LinkCall.ConnectionCounts(), PERIOD_MS)
                    .completeOnTimeout(Sessions.Counts.NONE, PERIOD_MS, TimeUnit.MILLISECONDS).exceptionally(e -> Sessions.Counts.NONE));
        }
        inFlight = true; // the timer is shared: the round completes on its own, never blocking it
        CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).whenComplete((x, e) -> {
            if (e == null) last = Sessions.Counts.sum(asked.stream().map(CompletableFuture::join).toList());
            inFlight = false;
        });
    }
}
