package io.warren.raft;

import org.apache.ratis.proto.RaftProtos.RoleInfoProto;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * What Warren's state machines share: snapshot files in Ratis's simple storage, the life cycle Ratis expects
 * around an installed snapshot, and the follower side of "install a snapshot": Ratis only notifies (its
 * own transfer is off), and the state machine fetches the leader's state itself.
 */
public abstract class SnapshottingStateMachine extends BaseStateMachine {
    protected final SimpleStateMachineStorage snapshots = new SimpleStateMachineStorage();
    private CompletableFuture<TermIndex> installing;

    /** Fetches and installs the leader's state; completes with the index it is at. */
    protected abstract CompletableFuture<TermIndex> fetchFromLeader(String leaderPeerId, TermIndex firstTermIndexInLog);

    /** Called at the end of {@code initialize}: the state machine runs. */
    protected final void running() {
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    public final synchronized CompletableFuture<TermIndex> notifyInstallSnapshotFromLeader(RoleInfoProto role,
                                                                                        TermIndex firstTermIndexInLog) {
        // Ratis repeats the notification while an install runs, and may send it again once it is done
        if (installing != null && !installing.isDone()) return installing;
        if (firstTermIndexInLog == null || firstTermIndexInLog.getIndex() <= 0) {
            return CompletableFuture.completedFuture(null); // the leader has its whole log: take it from there
        }
        TermIndex last = getLastAppliedTermIndex();
        if (last != null && last.getIndex() >= firstTermIndexInLog.getIndex() - 1) {
            return CompletableFuture.completedFuture(last);
        }
        String leader = role.getFollowerInfo().getLeaderInfo().getId().getId().toStringUtf8();
        installing = fetchFromLeader(leader, firstTermIndexInLog);
        return installing;
    }

    /** Records a snapshot at {@code at} whose file holds {@code content}, written durably. */
    protected final void recordSnapshot(TermIndex at, byte[] content) throws IOException {
        File f = snapshots.getSnapshotFile(at.getTerm(), at.getIndex());
        File tmp = new File(f.getPath() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp.toPath(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(content));
            ch.force(true);
        }
        Files.move(tmp.toPath(), f.toPath(), StandardCopyOption.ATOMIC_MOVE);
        snapshots.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(f.toPath(), null), at));
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() { return snapshots; }

    @Override
    public SingleFileSnapshotInfo getLatestSnapshot() { return snapshots.getLatestSnapshot(); }

    /** Ratis pauses the state machine before it publishes an installed snapshot. */
    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    /** After an install: the state was loaded when it was fetched; running again. */
    @Override
    public void reinitialize() { running(); }
}
