package io.warren.raft.meta;

import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.state.MetadataState;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

import java.io.IOException;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The metadata group's state machine: applies {@link MetadataCommand}s to {@link MetadataState}. Its
 * snapshot is the whole state written to a file; on start the latest snapshot is loaded and the log after
 * it replayed. {@code onApplied} hears every applied command and its result, on every node.
 */
public final class MetadataStateMachine extends io.warren.raft.SnapshottingStateMachine {
    private final BiConsumer<MetadataCommand, CommandResult> onApplied;
    private volatile MetadataState state = new MetadataState();

    private final java.util.function.Function<String, CompletableFuture<byte[]>> fetchFromLeader;

    /** {@code fetchFromLeader}: the leader's exported state, for a follower too far behind for the log. */
    public MetadataStateMachine(BiConsumer<MetadataCommand, CommandResult> onApplied,
                                java.util.function.Function<String, CompletableFuture<byte[]>> fetchFromLeader) {
        this.onApplied = onApplied;
        this.fetchFromLeader = fetchFromLeader;
    }

    @Override
    protected CompletableFuture<TermIndex> fetchFromLeader(String leaderPeerId, TermIndex firstTermIndexInLog) {
        return fetchFromLeader.apply(leaderPeerId).thenApply(b -> {
            try {
                return importState(b);
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    public MetadataState state() { return state; }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        snapshots.init(storage);
        SingleFileSnapshotInfo snap = snapshots.getLatestSnapshot();
        if (snap != null) {
            state = CommandCodec.decodeState(Files.readAllBytes(snap.getFile().getPath()));
            setLastAppliedTermIndex(snap.getTermIndex());
            appliedUpTo(snap.getTermIndex().getIndex());
        }
        running();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        MetadataCommand cmd = CommandCodec.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
        CommandResult result;
        synchronized (this) {
            result = state.apply(cmd);
            updateLastAppliedTermIndex(TermIndex.valueOf(entry));
        }
        onApplied.accept(cmd, result);
        appliedUpTo(entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(CommandCodec.encodeResult(result))));
    }

    private final java.util.TreeMap<Long, java.util.List<CompletableFuture<Void>>> waiters = new java.util.TreeMap<>();
    /**
     * The index up to which commands are applied and {@code onApplied} has heard of them. The applied index itself
     * moves first (with the state, under one lock); a caller waiting for a command it committed through another node
     * waits for this one, so that the command's local effects (a classic queue registered on its node) are there.
     */
    private long announced = -1;

    /** The index up to which this replica has applied the metadata log and acted on it. */
    public long appliedIndex() {
        synchronized (waiters) { return announced; }
    }

    /** Completes once this replica has applied {@code index} (a command another node committed) and acted on it. */
    public CompletableFuture<Void> awaitApplied(long index) {
        synchronized (waiters) {
            if (announced >= index) return CompletableFuture.completedFuture(null);
            CompletableFuture<Void> f = new CompletableFuture<>();
            waiters.computeIfAbsent(index, k -> new java.util.ArrayList<>()).add(f);
            return f;
        }
    }

    private void appliedUpTo(long index) {
        java.util.List<CompletableFuture<Void>> done = new java.util.ArrayList<>();
        synchronized (waiters) {
            announced = Math.max(announced, index);
            var head = waiters.headMap(index, true);
            head.values().forEach(done::addAll);
            head.clear();
        }
        done.forEach(f -> f.complete(null));
    }

    @Override
    public void notifyTermIndexUpdated(long term, long index) {
        super.notifyTermIndexUpdated(term, index);
        appliedUpTo(index);
    }

    /** The state and the index it is at, consistent with each other (for a follower that needs a snapshot). */
    public synchronized byte[] exportState() {
        TermIndex last = getLastAppliedTermIndex();
        byte[] st = CommandCodec.encodeState(state);
        return new io.warren.metadata.codec.BinaryWriter(st.length + 32).i64(last.getTerm()).i64(last.getIndex())
                .longBytes(st).toByteArray();
    }

    /** Replaces this replica's state with an exported one; returns the index it is at. */
    public TermIndex importState(byte[] exported) throws IOException {
        io.warren.metadata.codec.BinaryReader r = new io.warren.metadata.codec.BinaryReader(exported);
        TermIndex ti = TermIndex.valueOf(r.i64(), r.i64());
        MetadataState s = CommandCodec.decodeState(r.longBytes());
        synchronized (this) {
            state = s;
            setLastAppliedTermIndex(ti);
            takeSnapshot();
        }
        appliedUpTo(ti.getIndex());
        return ti;
    }

    /** The read barrier's query: by the time it runs, this replica has caught up; nothing to return. */
    @Override
    public CompletableFuture<Message> query(Message request) { return CompletableFuture.completedFuture(Message.EMPTY); }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) return -1;
        recordSnapshot(last, CommandCodec.encodeState(state));
        return last.getIndex();
    }
}
