package io.warren.raft;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.QueueConsumer;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.queue.ClassicQueue;
import io.warren.metadata.queue.QueueEngine;
import io.warren.metadata.queue.QueueServices;
import io.warren.raft.link.FrameBatcher;
import io.warren.raft.link.LinkProtocol;
import io.warren.raft.queue.GroupProposer;
import io.warren.raft.queue.QueueGroupStateMachine;
import io.warren.raft.queue.GroupQueue;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The queues this node serves: its in-memory classic queues, and the queues whose group it leads (quorum queues,
 * durable classic queues). Serves them to local channels directly and to other nodes over the link (calls and
 * consumer streams).
 */
final class QueueHost {
    private static final Logger LOG = LoggerFactory.getLogger(QueueHost.class);

    private final RaftNode node;
    /** Deletes an auto-delete queue that lost its last consumer. */
    private final java.util.function.Function<QueueRecord, CompletableFuture<Void>> autoDelete;
    private final QueueServices services;
    final Map<Long, ClassicQueue> classicQueues = new ConcurrentHashMap<>();
    private final Map<Long, GroupQueue> groupQueues = new ConcurrentHashMap<>();
    private final Map<RaftGroupId, GroupProposer> proposers = new ConcurrentHashMap<>();
    /** Remote consumers by queue id: their outstanding deliveries are dropped as settles arrive. */
    private final Map<Long, Set<RemoteSink>> remoteSinks = new ConcurrentHashMap<>();
    /** Messages handed out to other nodes' basic.gets, until settled. */
    private final RemoteGets remoteGets = new RemoteGets();

    QueueHost(RaftNode node, java.util.function.Function<QueueRecord, CompletableFuture<Void>> autoDelete, QueueServices services) {
        this.node = node;
        this.autoDelete = autoDelete;
        this.services = services;
    }

    // ---- local engines ----

    /** The engine serving {@code q} on this node; UNAVAILABLE when another node serves it now. */
    QueueEngine engine(QueueRecord q) {
        if (!q.hasGroup()) {
            ClassicQueue c = classicQueues.get(q.id());
            if (c == null) throw DomainException.notFound(q.describe());
            return c;
        }
        GroupQueue existing = groupQueues.get(q.id());
        if (existing != null && !existing.isClosed()) return existing;
        RaftGroupId gid = GroupIds.forQueueGroup(q.groupId());
        if (!node.isLeaderReady(gid)) throw notHere(q);
        try {
            QueueGroupStateMachine sm = (QueueGroupStateMachine) node.stateMachine(gid);
            GroupProposer p = proposers.computeIfAbsent(gid, g -> new GroupProposer(node, g));
            return groupQueues.compute(q.id(), (id, old) -> {
                if (old != null && !old.isClosed()) return old;
                GroupQueue qq = new GroupQueue(q, sm.queue(id), p, services);
                if (q.autoDelete()) qq.onUnused(() -> autoDelete.apply(q));
                sm.attach(id, qq);
                return qq;
            });
        } catch (IOException e) {
            throw notHere(q);
        }
    }

    static DomainException notHere(QueueRecord q) {
        return new DomainException(DomainException.Kind.UNAVAILABLE, q.describe() + " is not served by this node");
    }

    void classicDeclared(QueueRecord q) {
        ClassicQueue c = new ClassicQueue(q, services);
        if (q.autoDelete()) c.onUnused(() -> autoDelete.apply(q));
        classicQueues.put(q.id(), c);
    }

    void queueDeleted(QueueRecord q) {
        QueueEngine e = q.hasGroup() ? groupQueues.remove(q.id()) : classicQueues.remove(q.id());
        if (e != null) e.close();
        remoteSinks.remove(q.id());
    }

    /** The group's leader changed: if it is no longer this node, consumers are sent to the new one. */
    void leaderChanged(RaftGroupId gid, boolean leadingHere) {
        if (leadingHere) return;
        for (GroupQueue q : groupQueues.values()) {
            if (GroupIds.forQueueGroup(q.record().groupId()).equals(gid)) {
                groupQueues.remove(q.record().id(), q);
                q.handOver();
            }
        }
    }

    void groupRemoved(RaftGroupId gid) { proposers.remove(gid); }

    /** The last entry's commit latency of a group this node proposed to, seconds (-1: none). */
    double commitLatencySeconds(RaftGroupId gid) {
        GroupProposer p = proposers.get(gid);
        return p == null ? -1 : p.lastCommitLatencySeconds();
    }

    /** Queue engines this node holds (classic queues, and the group queues it leads), and their remote consumers. */
    int[] engineCounts() {
        int sinks = remoteSinks.values().stream().mapToInt(Set::size).sum();
        return new int[]{classicQueues.size(), groupQueues.size(), sinks};
    }

    /** The counts of each queue this node serves now (classic queues it owns, groups it leads). */
    Map<QueueRecord, QueueStats> servedStats(Iterable<QueueRecord> all) {
        Map<QueueRecord, QueueStats> out = new java.util.LinkedHashMap<>();
        for (QueueRecord q : all) {
            boolean here = q.hasGroup() ? node.isLeaderReady(GroupIds.forQueueGroup(q.groupId())) : classicQueues.containsKey(q.id());
            if (!here) continue;
            try {
                out.put(q, engine(q).stats());
            } catch (DomainException e) {
                // moved away in the meantime
            }
        }
        return out;
    }

    void close() {
        classicQueues.values().forEach(QueueEngine::close);
        groupQueues.values().forEach(QueueEngine::handOver);
    }

    // ---- operations on the queues served here (also what link calls from other nodes run) ----

    CompletableFuture<Void> publish(QueueRecord q, Message m, io.warren.metadata.port.Origin origin) {
        QueueEngine e = engine(q);
        return e instanceof GroupQueue qq ? qq.publish(m, origin) : ((ClassicQueue) e).publish(m, origin);
    }

    /** basic.get; from another node with a request id, what it hands out is remembered until settled ({@link RemoteGets}). */
    Delivery get(QueueRecord q, boolean noAck, long requestId, io.warren.raft.link.LinkSession session) {
        long now = System.currentTimeMillis();
        if (requestId == 0 || noAck) return engine(q).get(noAck);
        if (remoteGets.isCancelled(requestId, now)) return null; // its caller gave up on it already
        QueueEngine e = engine(q);
        Delivery d = e.get(false);
        if (d != null && remoteGets.handedOut(requestId, session, e, q.id(), d.offset(), now)) {
            session.onEnd(() -> giveBack(remoteGets.sessionEnded(session), "its node's link ended"));
        }
        return d;
    }

    /** Returns what lost gets took, each to the engine that handed it out (if that one still serves the queue). */
    private void giveBack(java.util.List<RemoteGets.Out> outs, String why) {
        for (RemoteGets.Out o : outs) {
            if (o.engine().isClosed()) continue;
            LOG.debug("returning offset {} of queue {}: {}", o.offset(), o.queueId(), why);
            o.engine().requeue(new long[]{o.offset()});
        }
    }

    /** A tracked get's answer did not reach its caller: what it handed out goes back to the queue. */
    Void unget(QueueRecord q, long requestId) {
        RemoteGets.Out o = remoteGets.cancel(requestId, System.currentTimeMillis());
        if (o != null) giveBack(java.util.List.of(o), "the answer to its get was lost");
        return null;
    }

    QueueStats stats(QueueRecord q) { return engine(q).stats(); }

    QueueStats declared(QueueRecord q) {
        QueueEngine e = engine(q);
        e.touch();
        return e.stats();
    }

    /**
     * Wakes the engines of the queues served here whose features act as time passes (message TTL, expiry, and what a
     * policy may have given them since): group queues led here get an engine even if nobody has used them since this
     * node took over, so their messages expire and the queues themselves expire on time.
     */
    void tick(Iterable<QueueRecord> all) {
        for (QueueRecord q : all) {
            try {
                if (!q.hasGroup()) {
                    ClassicQueue c = classicQueues.get(q.id());
                    if (c != null) c.tick();
                    continue;
                }
                GroupQueue g = groupQueues.get(q.id());
                if (g != null && !g.isClosed()) { g.tick(); continue; }
                if (!services.features(q).timed() || !node.isLeaderReady(GroupIds.forQueueGroup(q.groupId()))) continue;
                engine(q).tick();
            } catch (RuntimeException e) {
                LOG.debug("tick of {}: {}", q.describe(), e.toString());
            }
        }
    }

    CompletableFuture<Long> purge(QueueRecord q) {
        QueueEngine e = engine(q);
        return e instanceof GroupQueue qq ? qq.purge() : CompletableFuture.completedFuture(((ClassicQueue) e).purge());
    }

    CompletableFuture<Void> settle(QueueRecord q, long[] offsets, io.warren.raft.link.LinkCall.Op op) {
        forgetOutstanding(q, offsets);
        QueueEngine e = engine(q);
        return switch (op) {
            case REQUEUE -> e.requeue(offsets);
            case RETRY -> e.retry(offsets);
            case DISCARD -> e.reject(offsets);
            default -> e.settle(offsets);
        };
    }

    private void forgetOutstanding(QueueRecord q, long[] offsets) {
        remoteGets.settled(q.id(), offsets);
        Set<RemoteSink> sinks = remoteSinks.get(q.id());
        if (sinks != null) for (RemoteSink s : sinks) s.forget(offsets);
    }

    // ---- the link: consumer streams ----

    StreamObserver<byte[]> consume(StreamObserver<byte[]> out) {
        RemoteSink sink = new RemoteSink(out);
        return new StreamObserver<>() {
            @Override public void onNext(byte[] frames) { FrameBatcher.forEach(frames, sink::onFrame); }

            @Override public void onError(Throwable t) { sink.ended(true); }

            @Override public void onCompleted() { sink.ended(false); }
        };
    }

    /** A consumer on another node, as the queue here sees it. */
    private final class RemoteSink implements ConsumerSink {
        private final FrameBatcher out;
        private final AtomicInteger credit = new AtomicInteger();
        private final Set<Long> outstanding = ConcurrentHashMap.newKeySet();
        private volatile QueueRecord queue;
        private volatile QueueConsumer handle;
        private volatile boolean noAck;

        RemoteSink(StreamObserver<byte[]> out) { this.out = new FrameBatcher(out); }

        void onFrame(byte[] frame) {
            BinaryReader r = new BinaryReader(frame);
            boolean handled = switch (LinkProtocol.ToQueue.read(r)) { // exhaustive: a new frame kind must be handled here
                case SUBSCRIBE -> subscribe(LinkProtocol.queue(r), LinkProtocol.spec(r));
                case CREDIT -> {
                    credit.addAndGet(r.i32());
                    QueueConsumer h = handle;
                    if (h != null) h.creditAvailable();
                    yield true;
                }
                case CANCEL -> {
                    ended(false);
                    yield true;
                }
            };
            assert handled;
        }

        private boolean subscribe(QueueRecord q, ConsumerSpec spec) {
            queue = q;
            noAck = spec.noAck();
            try {
                handle = engine(q).addConsumer(spec, this);
                remoteSinks.computeIfAbsent(q.id(), k -> ConcurrentHashMap.newKeySet()).add(this);
                out.send(LinkProtocol.ToConsumer.SUBSCRIBED.frame(8).toByteArray());
            } catch (DomainException e) {
                if (e.kind() == DomainException.Kind.UNAVAILABLE) moved();
                else out.end(LinkProtocol.refused(e));
            }
            return true;
        }

        void forget(long[] offsets) { for (long o : offsets) outstanding.remove(o); }

        /** The stream ended: a broken one (the consumer's node is gone) returns what it had not settled. */
        void ended(boolean broken) {
            QueueConsumer h = handle;
            if (h != null) h.cancel();
            QueueRecord q = queue;
            if (q != null) {
                Set<RemoteSink> s = remoteSinks.get(q.id());
                if (s != null) s.remove(this);
                if (broken && !outstanding.isEmpty()) {
                    long[] offs = outstanding.stream().mapToLong(Long::longValue).toArray();
                    outstanding.clear();
                    try {
                        engine(q).requeue(offs);
                    } catch (DomainException e) {
                        LOG.debug("could not return {} messages of {}: {}", offs.length, q.describe(), e.getMessage());
                    }
                }
            }
            out.end(null);
        }

        @Override public boolean tryReserve() {
            while (true) {
                int c = credit.get();
                if (c <= 0) return false;
                if (credit.compareAndSet(c, c - 1)) return true;
            }
        }

        @Override public void unreserve() { credit.incrementAndGet(); }

        @Override public void deliver(Delivery d) {
            if (!noAck) outstanding.add(d.offset());
            BinaryWriter w = LinkProtocol.ToConsumer.DELIVER.frame(d.message().footprint() + 32);
            LinkProtocol.delivery(w, d);
            out.send(w.toByteArray());
        }

        @Override public void cancelledByServer() { out.end(LinkProtocol.ToConsumer.CANCELLED.frame(4).toByteArray()); }

        @Override public void moved() { out.end(LinkProtocol.ToConsumer.MOVED.frame(4).toByteArray()); }
    }
}
