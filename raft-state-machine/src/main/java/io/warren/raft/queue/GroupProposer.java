package io.warren.raft.queue;

import io.warren.metadata.codec.BinaryReader;
import io.warren.raft.RaftNode;
import org.apache.ratis.protocol.RaftGroupId;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Group commit for one queue group: commands arriving while earlier entries are in flight are gathered
 * into the next entry, so under load one Raft entry (one fsync, one round of replication) carries many
 * messages, settles and returns.
 */
public final class GroupProposer {
    private static final int MAX_INFLIGHT = 2;
    private static final int MAX_OPS = 4096;
    /** An entry must stay below the appender buffer limit (RaftNode.ENTRY_BYTES_MAX). */
    static final int MAX_BYTES = RaftNode.ENTRY_BYTES_MAX - 64 * 1024;
    /** Messages larger than this go into the log in pieces; two pieces never share an entry. */
    public static final int CHUNK_BYTES = MAX_BYTES * 3 / 4;

    private final RaftNode node;
    private final RaftGroupId group;
    private final List<Pending> pending = new ArrayList<>();
    private int inflight;
    /** How long the last entry took from its submission to its commit and apply here, ns (-1: none yet). */
    private volatile long lastCommitNanos = -1;

    public GroupProposer(RaftNode node, RaftGroupId group) {
        this.node = node;
        this.group = group;
    }

    private record Pending(QueueOp op, CompletableFuture<Long> result) { }

    /** The last entry's time from submission to commit (and apply on this leader), seconds; -1 before the first. */
    public double lastCommitLatencySeconds() { return lastCommitNanos < 0 ? -1 : lastCommitNanos / 1e9; }

    /** Completes with the command's result once its entry is committed and applied on this node. */
    public CompletableFuture<Long> submit(QueueOp op) {
        CompletableFuture<Long> f = new CompletableFuture<>();
        synchronized (this) { pending.add(new Pending(op, f)); }
        flush();
        return f;
    }

    private void flush() {
        while (true) {
            List<Pending> batch;
            synchronized (this) {
                if (inflight >= MAX_INFLIGHT || pending.isEmpty()) return;
                int n = 0;
                long bytes = 0;
                while (n < pending.size() && n < MAX_OPS) {
                    int b = pending.get(n).op().sizeEstimate();
                    if (n > 0 && bytes + b > MAX_BYTES) break;
                    bytes += b;
                    n++;
                }
                List<Pending> head = pending.subList(0, n);
                batch = new ArrayList<>(head);
                head.clear();
                inflight++;
            }
            List<QueueOp> ops = new ArrayList<>(batch.size());
            for (Pending p : batch) ops.add(p.op());
            // the leader's clock enters the replicated state here only, once per entry
            long submitted = System.nanoTime();
            node.submit(group, QueueOp.encodeBatch(ops, System.currentTimeMillis())).whenComplete((reply, err) -> {
                synchronized (this) { inflight--; }
                if (err == null) lastCommitNanos = System.nanoTime() - submitted;
                if (err != null) {
                    for (Pending p : batch) p.result().completeExceptionally(err);
                } else {
                    BinaryReader r = new BinaryReader(reply.asReadOnlyByteBuffer());
                    for (Pending p : batch) p.result().complete(r.remaining() >= 8 ? r.i64() : 0L);
                }
                flush();
            });
        }
    }
}
