package io.warren.raft.queue;

import io.warren.storage.RocksStore;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * The Ratis state machine of a queue group, over its {@link GroupState}: entries are applied into the node's RocksDB
 * with the group's applied index in the same write batch. After a crash RocksDB holds the state at some applied index
 * (its WAL is off); Ratis replays the log from the last snapshot, and entries at or below the stored index are
 * skipped. A snapshot is a RocksDB flush; only then may the log be purged. A follower too far behind for the leader's
 * log installs the leader's state ({@link Installer}).
 */
public final class QueueGroupStateMachine extends io.warren.raft.SnapshottingStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(QueueGroupStateMachine.class);

    private final RocksStore store;
    private final AtomicLong cacheBudget;
    private final BiConsumer<RaftGroupId, RaftPeerId> onLeaderChanged;
    private final Installer installer;
    private volatile GroupState state;

    /** Fetches the group's state from its leader when this follower is too far behind for the log. */
    public interface Installer {
        CompletableFuture<TermIndex> install(QueueGroupStateMachine sm, String leaderPeerId);
    }

    public QueueGroupStateMachine(RocksStore store, AtomicLong cacheBudget, BiConsumer<RaftGroupId, RaftPeerId> onLeaderChanged,
                                  Installer installer) {
        this.store = store;
        this.cacheBudget = cacheBudget;
        this.onLeaderChanged = onLeaderChanged;
        this.installer = installer;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        snapshots.init(storage);
        state = new GroupState(store, cacheBudget, groupId.getUuid().toString());
        SingleFileSnapshotInfo snap = snapshots.getLatestSnapshot();
        if (snap != null) setLastAppliedTermIndex(snap.getTermIndex());
        running();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        TermIndex ti = TermIndex.valueOf(entry);
        List<Runnable> notify = new ArrayList<>();
        byte[] reply = state.apply(ti.getTerm(), ti.getIndex(), entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer(), notify);
        updateLastAppliedTermIndex(ti);
        for (Runnable r : notify) r.run();
        return CompletableFuture.completedFuture(reply == null ? Message.EMPTY : Message.valueOf(UnsafeByteOperations.unsafeWrap(reply)));
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId leader) { onLeaderChanged.accept(member.getGroupId(), leader); }

    // ---- the queues ----

    /** The data of a queue hosted by this group (created empty on first use). */
    public QueueData queue(long queueId) { return state.queue(queueId); }

    public void attach(long queueId, QueueData.QueueListener listener) { state.attach(queueId, listener); }

    /** Removes every trace of a queue from the store (the queue was deleted; the group lives on). */
    public void dropQueue(long queueId) { state.dropQueue(queueId); }

    /** The group is removed from this node: forget its bookkeeping too. */
    public void dropGroup() { state.dropGroup(); }

    // ---- state transfer (a follower behind the leader's log) ----

    @Override
    protected CompletableFuture<TermIndex> fetchFromLeader(String leaderPeerId, TermIndex firstTermIndexInLog) {
        LOG.info("{}: behind the leader's log (which starts at {}): fetching the group's state from {}", getGroupId(),
                firstTermIndexInLog, leaderPeerId);
        return installer.install(this, leaderPeerId);
    }

    /** Writes this group's state as seen by {@code view} in chunks; returns the index the state is at. */
    public TermIndex export(RocksStore.View view, java.util.function.Consumer<byte[]> chunks) { return state.export(view, chunks); }

    /** Before an import: this replica's state of the group is dropped. */
    public void beginImport() { state.beginImport(); }

    public void importChunk(byte[] chunk) { state.importChunk(chunk); }

    /** The import is complete at {@code ti}: rebuild the in-memory view and record a snapshot there. */
    public TermIndex finishImport(TermIndex ti) throws IOException {
        state.finishImport(ti.getIndex());
        setLastAppliedTermIndex(ti);
        recordSnapshot(ti, new byte[0]); // the state is in RocksDB, flushed by the import
        LOG.info("{}: installed the leader's state at {}", getGroupId(), ti);
        return ti;
    }

    // ---- snapshots ----

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) return -1;
        store.flush();
        recordSnapshot(last, new byte[0]); // the state is in RocksDB, flushed above
        return last.getIndex();
    }

    @Override
    public void close() throws IOException {
        GroupState s = state;
        if (s != null) s.uncacheAll();
        super.close();
    }
}
