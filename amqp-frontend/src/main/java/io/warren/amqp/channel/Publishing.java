package io.warren.amqp.channel;

import io.warren.amqp.channel.AmqpChannel.Access;
import io.warren.amqp.codec.BasicProperties;
import io.warren.amqp.error.AmqpException;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.BasicMethod;
import io.warren.amqp.method.ConfirmMethod;
import io.warren.amqp.method.TxMethod;
import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.QueuePort;
import io.warren.metadata.routing.Router;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * basic.publish through to the queues, publisher confirms (sent once every target queue has the message
 * safe), mandatory returns, and transactions (publishes and acks held until commit).
 */
final class Publishing {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Publishing.class);
    private final AmqpChannel ch;
    private Confirms confirms;
    private boolean tx;
    private final List<Routed> txPublishes = new ArrayList<>();
    /** basic.return of unroutable mandatory publishes in a transaction: sent at tx.commit, dropped by rollback. */
    private final List<Runnable> txReturns = new ArrayList<>();

    /** A message resolved to its queues. */
    record Routed(Message message, List<QueueRecord> queues) { }

    Publishing(AmqpChannel ch) { this.ch = ch; }

    boolean transactional() { return tx; }

    void basicPublish(BasicMethod.Publish m) {
        if (m.immediate()) throw AmqpException.of(ReplyCode.NOT_IMPLEMENTED, "immediate=true");
        ch.host.publishing();
        ch.expectContent(m);
    }

    /** A complete message arrived. */
    void publish(BasicMethod.Publish m, byte[] props, byte[] body) { publish(m, props, body, false); }

    /**
     * Routes and enqueues a message. An exchange this replica does not know, or a default-exchange publish that
     * routes nowhere, may name something declared through another node a moment ago: once ({@code synced}
     * false), this replica catches up with the metadata group and the message is routed again — off the
     * routed path, so a routable publish looks nothing up twice.
     */
    private void publish(BasicMethod.Publish m, byte[] props, byte[] body, boolean synced) {
        ExchangeRecord x = ch.vhost().exchange(m.exchange());
        if (x == null) {
            if (!synced) {
                resync(m, props, body);
                return;
            }
            x = ch.exchange(m.exchange()); // 404
        }
        if (x.internal()) throw DomainException.refused("cannot publish to internal " + x.describe());
        ch.checkAccess(Access.WRITE, "exchange", x.name());
        Map<String, Object> headers = null;
        byte[] outProps = props;
        if (BasicProperties.hasHeaders(props) || mayCarrySpecialProps(props)) {
            BasicProperties p = decode(props);
            headers = p.headers();
            if (p.userId() != null && !p.userId().equals(ch.host.user())) {
                throw DomainException.precondition("user_id property set to '" + p.userId()
                        + "' but authenticated user was '" + ch.host.user() + "'");
            }
            BasicProperties out = p;
            if (ReplyToRegistry.PSEUDO_QUEUE.equals(p.replyTo())) {
                String name = ch.consuming.replyToName();
                if (name == null) throw DomainException.precondition("fast reply consumer does not exist");
                out = out.withReplyTo(name);
            }
            if (headers != null && headers.containsKey("BCC")) { // routes, but is not delivered
                Map<String, Object> delivered = new java.util.LinkedHashMap<>(headers);
                delivered.remove("BCC");
                out = out.withHeaders(delivered);
            }
            if (out != p) outProps = out.encode();
        }
        Message msg = new Message(m.exchange(), m.routingKey(), outProps, body);
        if (x.name().isEmpty() && m.routingKey().startsWith(ReplyToRegistry.PREFIX)) {
            long seq = confirms != null ? confirms.next() : 0;
            AmqpChannel target = ch.host.replyTo().lookup(m.routingKey());
            if (target != null) target.consuming.deliverReply(msg);
            if (confirms != null) confirms.complete(seq, true);
            return;
        }
        List<QueueRecord> queues = Router.route(ch.vhost(), x, m.routingKey(), headers);
        if (queues.isEmpty() && !synced && x.name().isEmpty()) {
            resync(m, props, body);
            return;
        }
        long seq = confirms != null ? confirms.next() : 0;
        if (queues.isEmpty()) {
            if (m.mandatory()) {
                byte[] returned = outProps;
                Runnable ret = () -> ch.sendContent(new BasicMethod.Return(ReplyCode.NO_ROUTE.code(), "NO_ROUTE", m.exchange(),
                        m.routingKey()), returned, body);
                if (tx) txReturns.add(ret); else ret.run();
            }
            if (confirms != null) confirms.complete(seq, true);
            return;
        }
        if (tx) {
            txPublishes.add(new Routed(msg, queues));
            return;
        }
        CompletableFuture<Void> done = enqueue(new Routed(msg, queues));
        if (confirms != null) {
            Confirms c = confirms;
            done.whenComplete((v, err) -> {
                if (err != null) LOG.warn("publish to {} failed, nacking: {}", queues, err.toString());
                ch.host.eventLoop().execute(() -> c.complete(seq, err == null));
            });
        }
    }

    /** The channel waits (later frames are held) until this replica has caught up, then routes the message again. */
    private void resync(BasicMethod.Publish m, byte[] props, byte[] body) {
        ch.await(ch.host.broker().metadata().sync(), v -> publish(m, props, body, true));
    }

    /** reply-to and user-id need a look inside; routing needs headers. Both are rare enough to check by flag. */
    private static boolean mayCarrySpecialProps(byte[] props) {
        return props.length >= 2 && ((props[0] & 0x02) != 0 || (props[1] & 0x10) != 0);
    }

    private static BasicProperties decode(byte[] props) {
        try {
            return BasicProperties.decode(props);
        } catch (BinaryReader.MalformedException e) {
            throw AmqpException.of(ReplyCode.SYNTAX_ERROR, "cannot decode content header properties: " + e.getMessage());
        }
    }

    private CompletableFuture<Void> enqueue(Routed r) {
        QueuePort qp = ch.host.broker().queues();
        if (r.queues().size() == 1) return ch.effects.track(r.queues().get(0), qp.publish(r.queues().get(0), r.message()));
        CompletableFuture<?>[] fs = new CompletableFuture<?>[r.queues().size()];
        for (int i = 0; i < fs.length; i++) fs[i] = ch.effects.track(r.queues().get(i), qp.publish(r.queues().get(i), r.message()));
        return CompletableFuture.allOf(fs);
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
        for (Routed r : txPublishes) fs.add(enqueue(r));
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
