package io.warren.amqp.channel;

import io.warren.amqp.error.AmqpException;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.BasicMethod;
import io.warren.amqp.method.ConfirmMethod;
import io.warren.amqp.method.TxMethod;
import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.port.Definitions;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.MessageProperties;
import io.warren.metadata.port.Publisher;
import io.warren.metadata.service.RoutedPublisher;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * basic.publish's AMQP part: content assembled into a message (direct reply-to resolved here), handed to the broker's
 * {@link Publisher} to route and deliver; publisher confirms numbered and sent once the outcome is in, mandatory
 * returns, and transactions (routed at publish, delivered with the acks at commit).
 */
final class Publishing {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Publishing.class);
    private final AmqpChannel ch;
    private Confirms confirms;
    private boolean tx;
    private final List<Publisher.Routed> txPublishes = new ArrayList<>();
    /** basic.return of unroutable mandatory publishes in a transaction: sent at tx.commit, dropped by rollback. */
    private final List<Runnable> txReturns = new ArrayList<>();

    Publishing(AmqpChannel ch) { this.ch = ch; }

    boolean transactional() { return tx; }

    boolean confirming() { return confirms != null; }

    /** Publishes of this channel not confirmed yet. */
    int unconfirmed() { return confirms == null ? 0 : confirms.pending(); }

    void basicPublish(BasicMethod.Publish m) {
        if (m.immediate()) throw AmqpException.of(ReplyCode.NOT_IMPLEMENTED, "immediate=true");
        ch.host.publishing();
        ch.expectContent(m);
    }

    /**
     * A complete message arrived: AMQP's own part (direct reply-to) here, then routed by the broker's {@link Publisher}.
     * Routing completes at once unless this replica must catch up with the metadata group first; then later frames of
     * the channel wait, so confirms keep the order of the publishes.
     */
    void publish(BasicMethod.Publish m, byte[] props, byte[] body) {
        byte[] outProps = props;
        if (MessageProperties.hasReplyTo(props)) {
            MessageProperties p = decode(props);
            if (ReplyToRegistry.PSEUDO_QUEUE.equals(p.replyTo())) {
                String name = ch.consuming.replyToName();
                if (name == null) throw DomainException.precondition("fast reply consumer does not exist");
                outProps = p.withReplyTo(name).encode();
            }
        }
        Message msg = new Message(m.exchange(), m.routingKey(), outProps, body);
        ch.host.counters().received.increment();
        if (confirms != null) ch.host.counters().receivedConfirm.increment();
        if (m.exchange().isEmpty() && m.routingKey().startsWith(ReplyToRegistry.PREFIX)) {
            replyDirectly(msg);
            return;
        }
        CompletableFuture<Publisher.Routed> routed = ch.host.broker().publisher().route(ch.caller, msg);
        if (!routed.isDone()) {
            ch.await(routed, r -> routed(m, r));
            return;
        }
        try {
            routed(m, routed.join());
        } catch (CompletionException e) {
            throw AmqpException.from(e);
        }
    }

    /** Direct reply-to: straight to the requester's channel on this node (gone: dropped, as RabbitMQ does). */
    private void replyDirectly(Message msg) {
        ch.host.broker().definitions().authorize(ch.caller, Definitions.Access.WRITE, "exchange", "");
        if (MessageProperties.hasUserId(msg.properties())) RoutedPublisher.checkUserId(ch.caller, decode(msg.properties()));
        long seq = confirms != null ? confirms.next() : 0;
        AmqpChannel target = ch.host.replyTo().lookup(msg.routingKey());
        if (target != null) target.consuming.deliverReply(msg);
        if (confirms != null) confirms.complete(seq, true);
    }

    private void routed(BasicMethod.Publish m, Publisher.Routed r) {
        long seq = confirms != null ? confirms.next() : 0;
        MessageCounters counters = ch.host.counters();
        if (r.unroutable()) {
            (m.mandatory() ? counters.unroutableReturned : counters.unroutableDropped).increment();
            if (confirms != null) counters.confirmed.increment();
            if (m.mandatory()) {
                Message msg = r.message();
                Runnable ret = () -> ch.sendContent(new BasicMethod.Return(ReplyCode.NO_ROUTE.code(), "NO_ROUTE", m.exchange(),
                        m.routingKey()), msg.properties(), msg.body());
                if (tx) txReturns.add(ret); else ret.run();
            }
            if (confirms != null) confirms.complete(seq, true);
            return;
        }
        counters.routed.increment();
        for (var q : r.queues()) counters.queues.add(q.id(), QueueCounters.PUBLISH, 1);
        if (tx) {
            txPublishes.add(r);
            return;
        }
        CompletableFuture<Publisher.Outcome> done = deliver(r);
        if (confirms != null) {
            Confirms c = confirms;
            done.thenAccept(o -> {
                if (!o.safe()) {
                    // a full queue refusing publishes (x-overflow reject-publish) is the application's choice, not a fault
                    boolean full = o.firstFailure() instanceof DomainException d && d.kind() == DomainException.Kind.PRECONDITION_FAILED;
                    if (full) LOG.debug("publish to {} refused, nacking: {}", r.queues(), o.firstFailure().getMessage());
                    else LOG.warn("publish to {} failed, nacking: {}", r.queues(), String.valueOf(o.firstFailure()));
                }
                if (o.safe()) counters.confirmed.increment();
                ch.host.eventLoop().execute(() -> c.complete(seq, o.safe()));
            });
        }
    }

    private CompletableFuture<Publisher.Outcome> deliver(Publisher.Routed r) {
        return ch.host.broker().publisher().deliver(r, ch.effects::track);
    }

    private static MessageProperties decode(byte[] props) {
        try {
            return MessageProperties.decode(props);
        } catch (BinaryReader.MalformedException e) {
            throw AmqpException.of(ReplyCode.SYNTAX_ERROR, "cannot decode content header properties: " + e.getMessage());
        }
    }

    // ---- confirms ----

    void confirmSelect(boolean nowait) {
        if (tx) throw DomainException.precondition("cannot switch from tx to confirm mode");
        if (confirms == null) confirms = new Confirms(ch::send, ch.host.eventLoop());
        if (!nowait) ch.send(new ConfirmMethod.SelectOk());
    }

    // ---- transactions ----

    void txSelect() {
        if (confirms != null) throw DomainException.precondition("cannot switch from confirm to tx mode");
        tx = true;
        ch.send(new TxMethod.SelectOk());
    }

    void txCommit() {
        if (!tx) throw DomainException.precondition("channel is not transactional");
        txReturns.forEach(Runnable::run);
        txReturns.clear();
        List<CompletableFuture<?>> fs = new ArrayList<>();
        fs.addAll(ch.consuming.commitAcks());
        for (Publisher.Routed r : txPublishes) {
            fs.add(deliver(r).thenApply(o -> {
                if (!o.safe()) throw new CompletionException(o.firstFailure());
                return null;
            }));
        }
        txPublishes.clear();
        ch.await(CompletableFuture.allOf(fs.toArray(CompletableFuture<?>[]::new)), v -> ch.send(new TxMethod.CommitOk()));
    }

    void txRollback() {
        if (!tx) throw DomainException.precondition("channel is not transactional");
        txPublishes.clear();
        txReturns.clear();
        ch.consuming.rollbackAcks();
        ch.send(new TxMethod.RollbackOk());
    }

    void release() {
        txPublishes.clear();
        txReturns.clear();
    }
}
