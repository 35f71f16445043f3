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
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The metadata group's state machine: applies {@link MetadataCommand}s to {@link MetadataState}. Its
 * snapshot is the whole state written to a file; on start the latest snapshot is loaded and the log after
 * it replayed. {@code onApplied} hears every applied command and its result, on every node.
 */
public final class MetadataStateMachine extends BaseStateMachine {
    private final SimpleStateMachineStorage snapshots = new SimpleStateMachineStorage();
    private final BiConsumer<MetadataCommand, CommandResult> onApplied;
    private volatile MetadataState state = new MetadataState();

    public MetadataStateMachine(BiConsumer<MetadataCommand, CommandResult> onApplied) { this.onApplied = onApplied; }

    public MetadataState state() { return state; }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage storage) throws IOException {
        super.initialize(server, groupId, storage);
        snapshots.init(storage);
        SingleFileSnapshotInfo snap = snapshots.getLatestSnapshot();
        if (snap != null) {
            state = CommandCodec.decodeState(Files.readAllBytes(snap.getFile().getPath()));
            setLastAppliedTermIndex(snap.getTermIndex());
        }
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        MetadataCommand cmd = CommandCodec.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
        CommandResult result = state.apply(cmd);
        updateLastAppliedTermIndex(TermIndex.valueOf(entry));
        onApplied.accept(cmd, result);
        return CompletableFuture.completedFuture(Message.valueOf(UnsafeByteOperations.unsafeWrap(CommandCodec.encodeResult(result))));
    }

    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() < 0) return -1;
        File f = snapshots.getSnapshotFile(last.getTerm(), last.getIndex());
        File tmp = new File(f.getPath() + ".tmp");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp.toPath(),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(CommandCodec.encodeState(state)));
            ch.force(true);
        }
        Files.move(tmp.toPath(), f.toPath(), StandardCopyOption.ATOMIC_MOVE);
        snapshots.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(f.toPath(), null), last));
        return last.getIndex();
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() { return snapshots; }

    @Override
    public SingleFileSnapshotInfo getLatestSnapshot() { return snapshots.getLatestSnapshot(); }
}
