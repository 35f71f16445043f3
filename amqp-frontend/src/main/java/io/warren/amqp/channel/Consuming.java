package io.warren.amqp.channel;

import io.warren.amqp.error.AmqpException;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.BasicMethod;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Definitions;
import io.warren.metadata.port.Sessions;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.QueuePort;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.TreeMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * basic.qos/consume/cancel/get/ack/nack/reject/recover, channel.flow and direct reply-to consumers: delivery
 * tags, the unacked messages of the channel and the credit that paces deliveries.
 */
final class Consuming {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AmqpChannel ch;
    private final Map<String, ChannelConsumer> consumers = new LinkedHashMap<>();
    /** delivery tag → what it delivered, in tag order (a rollback puts tags back where they were). */
    private final TreeMap<Long, Unacked> unacked = new TreeMap<>();
    /** Acks, nacks and rejects waiting for tx.commit, in the order they came. */
    private final List<Settlement> txSettlements = new ArrayList<>();
    private long nextTag;
    private int prefetchCount;
    private int globalPrefetch;
    private int globalInflight;
    private int creditTurn;
    private boolean flowActive = true;
    private String replyToName;
    private String replyToTag;

    /** {@code deadline}: when the consumer timeout takes it back (ms, Long.MAX_VALUE never); {@code timeout}: the value used. */
    record Unacked(long tag, QueueRecord queue, long offset, ChannelConsumer consumer, long deadline, long timeout) { }

    private final AckTimeouts timeouts;

    /** What an ack, nack or reject does to a message: settles it, drops it, or returns it to its queue. */
    /** What becomes of settled deliveries: acked, dropped, returned after a failed delivery (nack/reject), returned. */
    enum Outcome { ACK, DISCARD, RETRY, REQUEUE }

    record Settlement(Unacked message, Outcome outcome) { }

    Consuming(AmqpChannel ch) {
        this.ch = ch;
        this.timeouts = new AckTimeouts(ch, this::checkTimeouts);
    }

    // ---- credit (called from queue threads) ----

    synchronized boolean reserve(ChannelConsumer c) {
        if (!flowActive) return false;
        if (c.noAck) { // not counted, but held back while the channel-wide window is full (as RabbitMQ's limiter does)
            return (globalPrefetch == 0 || globalInflight < globalPrefetch) && ch.host.isWritable();
        }
        if (c.prefetch > 0 && c.inflight >= c.prefetch) return false;
        if (globalPrefetch > 0 && globalInflight >= globalPrefetch) return false;
        c.inflight++;
        globalInflight++;
        return true;
    }

    synchronized void unreserve(ChannelConsumer c) {
        if (c.noAck) return;
        c.inflight--;
        globalInflight--;
    }

    /** Credit came back: let the queues deliver again. */
    void creditAvailable(Collection<ChannelConsumer> which) {
        for (ChannelConsumer c : which) c.creditAvailable();
    }

    /**
     * Every consumer of the channel, starting one further along each time: when a channel-wide window frees one unit,
     * the consumer told first takes it, so the turn goes round and no queue is left behind.
     */
    // ---- listings (event loop) ----

    int prefetch() { return prefetchCount; }

    int consumerCount() { return consumers.size(); }

    int unackedCount() { return unacked.size(); }

    List<Sessions.ConsumerInfo> consumerInfos() {
        List<Sessions.ConsumerInfo> l = new ArrayList<>();
        for (ChannelConsumer c : consumers.values()) {
            l.add(new Sessions.ConsumerInfo(ch.host.connectionId(), ch.id, c.queue.vhost(), c.queue.name(), c.tag, !c.noAck,
                    c.exclusive, c.prefetch));
        }
        return l;
    }

    private List<ChannelConsumer> all() {
        List<ChannelConsumer> l = new ArrayList<>(consumers.values());
        if (l.size() > 1) Collections.rotate(l, -(creditTurn++ % l.size()));
        return l;
    }

    // ---- deliveries (handed to the event loop) ----

    void deliverLater(ChannelConsumer c, Delivery d) { ch.host.eventLoop().execute(() -> deliver(c, d)); }

    private void deliver(ChannelConsumer c, Delivery d) {
        if (!c.ready && !c.cancelled) { // registered, but consume-ok is not out yet
            c.early.add(d);
            return;
        }
        if (!c.noAck && (!ch.isOpen() || c.cancelled)) {
            // the consumer went away while this was in flight: the message goes back
            ch.effects.track(d.queue(), ch.host.broker().queues().requeue(d.queue(), new long[]{d.offset()}));
            unreserve(c);
            return;
        }
        if (!ch.isOpen()) return;
        long tag = ++nextTag;
        if (!c.noAck) unacked.put(tag, unackedEntry(tag, d.queue(), d.offset(), c, timeouts.ofConsumer(c.tag)));
        Message m = d.message();
        ch.host.counters().delivered(d.queue().id(), true, c.noAck, d.redelivered());
        ch.sendContent(new BasicMethod.Deliver(c.tag, tag, d.redelivered(), m.exchange(), m.routingKey()), m.properties(), m.body());
    }

    /**
     * The queue cancelled the consumer (it was deleted). The channel tells the client once it is done with the method it
     * is carrying out: when this channel deleted the queue, its queue.delete-ok comes first, as in RabbitMQ. (kombu,
     * under oslo.messaging, raises on a basic.cancel that comes while it waits for delete-ok; the RPC server that was
     * stopping then never closed its connection, and its consumers took the next RPC cast.)
     */
    void serverCancelLater(ChannelConsumer c) { ch.host.eventLoop().execute(() -> ch.idle().thenRun(() -> serverCancel(c))); }

    private void serverCancel(ChannelConsumer c) {
        if (consumers.remove(c.tag) == null) return;
        timeouts.forget(c.tag);
        c.cancelled = true;
        if (ch.isOpen() && ch.host.clientCapability("consumer_cancel_notify")) ch.send(new BasicMethod.Cancel(c.tag, true));
    }

    // ---- methods ----

    void qos(BasicMethod.Qos m) {
        if (m.prefetchSize() != 0) throw AmqpException.of(ReplyCode.NOT_IMPLEMENTED, "prefetch_size!=0 (" + m.prefetchSize() + ")");
        synchronized (this) {
            if (m.global()) globalPrefetch = m.prefetchCount();
            else prefetchCount = m.prefetchCount();
        }
        ch.send(new BasicMethod.QosOk());
        creditAvailable(all());
    }

    void resume() { creditAvailable(all()); }

    void flow(boolean active) {
        synchronized (this) { flowActive = active; }
        if (active) creditAvailable(all());
    }

    void consume(BasicMethod.Consume m) {
        String tag = m.consumerTag().isEmpty() ? "amq.ctag-" + token() : m.consumerTag();
        if (consumers.containsKey(tag) || tag.equals(replyToTag)) {
            throw AmqpException.of(ReplyCode.NOT_ALLOWED, "attempt to reuse consumer tag '" + tag + "'");
        }
        if (m.queue().equals(ReplyToRegistry.PSEUDO_QUEUE)) {
            if (!m.noAck()) throw DomainException.precondition("reply consumer cannot acknowledge");
            if (replyToName != null) throw DomainException.precondition("reply consumer already set");
            replyToName = ch.host.replyTo().register(ch);
            replyToTag = tag;
            if (!m.nowait()) ch.send(new BasicMethod.ConsumeOk(tag));
            return;
        }
        QueueRecord q = ch.queue(m.queue(), Definitions.Access.READ);
        int priority = priority(m, q);
        ChannelConsumer c;
        synchronized (this) { c = new ChannelConsumer(this, tag, q, m.noAck(), m.exclusive(), prefetchCount); }
        consumers.put(tag, c);
        timeouts.subscribed(tag, q);
        ch.afterEffects(q, () -> register(m, q, c, priority));
    }

    /** x-priority: an integer (RabbitMQ refuses any other type, void included). */
    private static int priority(BasicMethod.Consume m, QueueRecord q) {
        if (!m.arguments().containsKey("x-priority")) return 0;
        Object p = m.arguments().get("x-priority");
        if (p instanceof Integer || p instanceof Long || p instanceof Short || p instanceof Byte) return ((Number) p).intValue();
        throw DomainException.precondition("invalid arg 'x-priority' for " + q.describe() + ": "
                + (p == null ? "void" : p.getClass().getSimpleName().toLowerCase()) + " is not an integer");
    }

    private void register(BasicMethod.Consume m, QueueRecord q, ChannelConsumer c, int priority) {
        String tag = c.tag;
        CompletableFuture<io.warren.metadata.port.QueueConsumer> registered = ch.host.broker().queues().consume(q,
                new ConsumerSpec(tag, m.noAck(), m.exclusive(), priority, ch.host.connectionId() + "/" + ch.id), c);
        // deliveries reach the event loop after this step completes, so consume-ok goes out first
        ch.await(registered.whenComplete((h, err) -> {
            if (err != null) c.cancelled = true; else c.attach(h);
        }), h -> {
            if (!m.nowait()) ch.send(new BasicMethod.ConsumeOk(tag));
            c.ready = true;
            for (Delivery d : c.early) deliver(c, d);
            c.early.clear();
        });
        registered.exceptionally(err -> {
            ch.host.eventLoop().execute(() -> consumers.remove(tag, c));
            return null;
        });
    }

    void cancel(BasicMethod.Cancel m) {
        if (m.consumerTag().equals(replyToTag)) {
            ch.host.replyTo().unregister(replyToName);
            replyToName = null;
            replyToTag = null;
        } else {
            ChannelConsumer c = consumers.remove(m.consumerTag());
            timeouts.forget(m.consumerTag());
            if (c != null) ch.effects.track(c.queue, c.cancel()); // an auto-delete queue that goes: the next method sees it gone
        }
        if (!m.nowait()) ch.send(new BasicMethod.CancelOk(m.consumerTag()));
    }

    void get(BasicMethod.Get m) {
        QueueRecord q = ch.queue(m.queue(), Definitions.Access.READ);
        ch.afterEffects(q, () -> ch.await(ch.host.broker().queues().get(q, m.noAck()), d -> {
            MessageCounters counters = ch.host.counters();
            if (d == null) {
                counters.getEmpty.increment();
                ch.send(new BasicMethod.GetEmpty(""));
                return;
            }
            counters.delivered(q.id(), false, m.noAck(), d.redelivered());
            long tag = ++nextTag;
            if (!m.noAck()) unacked.put(tag, unackedEntry(tag, q, d.offset(), null, timeouts.ofQueue(q)));
            Message msg = d.message();
            ch.sendContent(new BasicMethod.GetOk(tag, d.redelivered(), msg.exchange(), msg.routingKey(),
                    (int) Math.min(Integer.MAX_VALUE, d.messageCount())), msg.properties(), msg.body());
        }));
    }

    void ack(long tag, boolean multiple) {
        List<Unacked> acked = take(tag, multiple);
        for (Unacked u : acked) ch.host.counters().acknowledged(u.queue().id());
        settle(acked, Outcome.ACK);
    }

    void reject(long tag, boolean multiple, boolean requeue) {
        settle(take(tag, multiple), requeue ? Outcome.RETRY : Outcome.DISCARD);
    }

    void recover(boolean requeue) {
        if (!requeue) throw AmqpException.of(ReplyCode.NOT_IMPLEMENTED, "requeue=false");
        List<Unacked> l = new ArrayList<>(unacked.values());
        unacked.clear();
        release(l);
        returnToQueues(l);
    }

    /** Removes and returns the unacked messages a tag names (406 for a tag not delivered on this channel). */
    private List<Unacked> take(long tag, boolean multiple) {
        List<Unacked> l = new ArrayList<>();
        if (multiple) {
            Map<Long, Unacked> upTo = tag == 0 ? unacked : unacked.headMap(tag, true);
            l.addAll(upTo.values());
            upTo.clear();
            if (l.isEmpty() && tag != 0 && !timeouts.wasTimedOut(tag)) throw DomainException.precondition("unknown delivery tag " + tag);
        } else {
            Unacked u = unacked.remove(tag);
            if (u == null && timeouts.wasTimedOut(tag)) return l; // it timed out and went back: nothing to settle
            if (u == null) throw DomainException.precondition("unknown delivery tag " + tag);
            l.add(u);
        }
        return l;
    }

    /** An ack, nack or reject: done now, or at tx.commit in a transaction. */
    private void settle(List<Unacked> l, Outcome outcome) {
        if (ch.publishing.transactional()) {
            for (Unacked u : l) txSettlements.add(new Settlement(u, outcome));
            return;
        }
        release(l);
        apply(l, outcome);
    }

    /** Sends the outcome to the messages' queues; each queue's future is tracked as an effect of the channel. */
    private List<CompletableFuture<Void>> apply(List<Unacked> l, Outcome outcome) {
        QueuePort qp = ch.host.broker().queues();
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        forEachQueue(l, (q, offsets) -> fs.add(ch.effects.track(q, switch (outcome) {
            case ACK -> qp.settle(q, offsets);
            case DISCARD -> qp.discard(q, offsets);
            case RETRY -> qp.retry(q, offsets);
            case REQUEUE -> qp.requeue(q, offsets);
        })));
        return fs;
    }

    private void returnToQueues(List<Unacked> l) { apply(l, Outcome.REQUEUE); }

    private static void forEachQueue(List<Unacked> l, java.util.function.BiConsumer<QueueRecord, long[]> f) {
        Map<Long, List<Unacked>> byQueue = new LinkedHashMap<>();
        for (Unacked u : l) byQueue.computeIfAbsent(u.queue().id(), k -> new ArrayList<>()).add(u);
        for (List<Unacked> us : byQueue.values()) {
            f.accept(us.get(0).queue(), us.stream().mapToLong(Unacked::offset).toArray());
        }
    }

    /** Gives back the credit the messages held. */
    private void release(List<Unacked> l) {
        Set<ChannelConsumer> touched = new HashSet<>();
        synchronized (this) {
            for (Unacked u : l) {
                if (u.consumer() != null) {
                    u.consumer().inflight--;
                    globalInflight--;
                    touched.add(u.consumer());
                }
            }
        }
        if (touched.isEmpty()) return;
        creditAvailable(globalPrefetch > 0 ? all() : touched);
    }

    /** tx.commit: the held acks, nacks and rejects take effect, in the order they came. */
    List<CompletableFuture<Void>> commitAcks() {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        int i = 0;
        while (i < txSettlements.size()) { // runs of one outcome, in order
            Outcome o = txSettlements.get(i).outcome();
            List<Unacked> run = new ArrayList<>();
            for (; i < txSettlements.size() && txSettlements.get(i).outcome() == o; i++) run.add(txSettlements.get(i).message());
            release(run);
            fs.addAll(apply(run, o));
        }
        txSettlements.clear();
        return fs;
    }

    /** tx.rollback: the held acks, nacks and rejects never happened; their messages are unacked again. */
    void rollbackAcks() {
        for (Settlement s : txSettlements) unacked.put(s.message().tag(), s.message());
        txSettlements.clear();
    }

    // ---- acknowledgement timeouts ----

    /**
     * Deliveries unacknowledged past their timeout go back to their queues. As RabbitMQ 4.3: a consumer whose client
     * announced consumer_cancel_notify is cancelled with basic.cancel; otherwise (and for basic.get) the channel is
     * closed with 406, as RabbitMQ 3.x does.
     */
    private Unacked unackedEntry(long tag, QueueRecord q, long offset, ChannelConsumer c, long timeout) {
        return new Unacked(tag, q, offset, c, timeouts.deadline(timeout), timeout);
    }

    private void checkTimeouts() {
        if (!ch.isOpen()) return;
        long now = System.currentTimeMillis();
        List<Unacked> late = new ArrayList<>();
        long next = Long.MAX_VALUE;
        for (Unacked u : unacked.values()) {
            if (u.deadline() <= now) late.add(u);
            else next = Math.min(next, u.deadline());
        }
        if (next != Long.MAX_VALUE) timeouts.checkAt(next);
        if (late.isEmpty()) return;
        if (!ch.host.clientCapability("consumer_cancel_notify") || late.stream().anyMatch(u -> u.consumer() == null)) {
            ch.fail(AmqpException.of(ReplyCode.PRECONDITION_FAILED, "delivery acknowledgement on channel " + ch.id
                    + " timed out. Timeout value used: " + late.get(0).timeout()
                    + " ms. This timeout value can be configured, see consumers doc guide to learn more"));
            return;
        }
        Map<ChannelConsumer, List<Unacked>> byConsumer = new LinkedHashMap<>();
        for (Unacked u : late) byConsumer.computeIfAbsent(u.consumer(), k -> new ArrayList<>()).add(u);
        for (Map.Entry<ChannelConsumer, List<Unacked>> e : byConsumer.entrySet()) {
            for (Unacked u : e.getValue()) {
                unacked.remove(u.tag());
                timeouts.timedOut(u.tag());
            }
            release(e.getValue());
            returnToQueues(e.getValue());
            ChannelConsumer c = e.getKey();
            if (consumers.remove(c.tag, c)) {
                timeouts.forget(c.tag);
                c.cancelled = true;
                ch.effects.track(c.queue, c.cancel());
                ch.send(new BasicMethod.Cancel(c.tag, true));
            }
        }
    }

    // ---- direct reply-to ----

    String replyToName() { return replyToName; }

    /** A reply published to this channel's reply-to name (called on the publisher's event loop). */
    void deliverReply(Message m) {
        ch.host.eventLoop().execute(() -> {
            if (!ch.isOpen() || replyToTag == null) return;
            ch.sendContent(new BasicMethod.Deliver(replyToTag, ++nextTag, false, m.exchange(), m.routingKey()), m.properties(), m.body());
        });
    }

    // ---- teardown ----

    void release() {
        timeouts.close();
        for (ChannelConsumer c : consumers.values()) {
            c.cancel();
            for (Delivery d : c.early) if (!c.noAck) ch.host.broker().queues().requeue(d.queue(), new long[]{d.offset()});
            c.early.clear();
        }
        consumers.clear();
        List<Unacked> l = new ArrayList<>(unacked.values());
        for (Settlement s : txSettlements) l.add(s.message());
        txSettlements.clear();
        unacked.clear();
        returnToQueues(l);
        if (replyToName != null) ch.host.replyTo().unregister(replyToName);
        replyToName = null;
        replyToTag = null;
    }

    private static String token() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
