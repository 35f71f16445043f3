package io.warren.amqp.channel;

import io.warren.amqp.error.AmqpException;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.ExchangeMethod;
import io.warren.amqp.method.QueueMethod;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Definitions;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * exchange.* and queue.* methods: their AMQP parts (nowait, the last declared queue, direct reply-to names, one
 * channel one order), the work and its checks in the broker's {@link Definitions}; the -ok once it applied.
 */
final class Declarations {
    private final AmqpChannel ch;

    Declarations(AmqpChannel ch) { this.ch = ch; }

    private Definitions definitions() { return ch.host.broker().definitions(); }

    private <T> void reply(CompletableFuture<T> f, boolean nowait, Runnable reply) {
        ch.await(f, r -> { if (!nowait) reply.run(); });
    }

    /** Line feeds and carriage returns are taken out of declared and deleted names, as RabbitMQ does. */
    static String stripCrLf(String name) {
        return name.indexOf('\n') < 0 && name.indexOf('\r') < 0 ? name : name.replace("\n", "").replace("\r", "");
    }

    // ---- exchanges ----

    void exchangeDeclare(ExchangeMethod.Declare m) {
        String name = stripCrLf(m.exchange());
        if (m.passive()) {
            if (!name.isEmpty()) definitions().exchange(ch.caller, name);
            if (!m.nowait()) ch.send(new ExchangeMethod.DeclareOk());
            return;
        }
        ExchangeType type = ExchangeType.parse(m.type()).orElse(null);
        if (type == null && !name.isEmpty() && !name.startsWith("amq.")) {
            throw AmqpException.of(ReplyCode.COMMAND_INVALID, "invalid exchange type '" + m.type() + "'");
        }
        reply(definitions().declareExchange(ch.caller, name, type, m.durable(), m.autoDelete(), m.internal(), m.arguments()),
                m.nowait(), () -> ch.send(new ExchangeMethod.DeclareOk()));
    }

    void exchangeDelete(ExchangeMethod.Delete m) {
        reply(definitions().deleteExchange(ch.caller, stripCrLf(m.exchange()), m.ifUnused()), m.nowait(),
                () -> ch.send(new ExchangeMethod.DeleteOk()));
    }

    void exchangeBind(ExchangeMethod.Bind m) {
        BindingRecord b = new BindingRecord(ch.host.vhost(), m.source(), true, m.destination(), m.routingKey(), m.arguments());
        reply(definitions().bind(ch.caller, b), m.nowait(), () -> ch.send(new ExchangeMethod.BindOk()));
    }

    void exchangeUnbind(ExchangeMethod.Unbind m) {
        BindingRecord b = new BindingRecord(ch.host.vhost(), m.source(), true, m.destination(), m.routingKey(), m.arguments());
        reply(definitions().unbind(ch.caller, b), m.nowait(), () -> ch.send(new ExchangeMethod.UnbindOk()));
    }

    // ---- queues ----

    void queueDeclare(QueueMethod.Declare m) {
        String name = stripCrLf(m.queue());
        if (name.equals(ReplyToRegistry.PSEUDO_QUEUE) || name.startsWith(ReplyToRegistry.PREFIX)) {
            // direct reply-to names are answered as passive declares: there while their consumer is
            boolean there = name.equals(ReplyToRegistry.PSEUDO_QUEUE) || ch.host.replyTo().lookup(name) != null;
            if (!there) throw DomainException.notFound("queue '" + name + "' in vhost '" + ch.host.vhost() + "'");
            if (!m.nowait()) ch.send(new QueueMethod.DeclareOk(name, 0, 1));
            return;
        }
        if (m.passive()) {
            String passive = name;
            ch.afterEffects(ch.queue(passive), () -> { // looked up again: an earlier cancel may have auto-deleted it
                QueueRecord q = ch.queue(passive);
                ch.lastQueue = q.name();
                if (!m.nowait()) sendDeclareOk(q);
            });
            return;
        }
        if (m.exclusive()) ch.host.ownsExclusiveQueues();
        var declaration = new Definitions.QueueDeclaration(name, m.durable(), m.exclusive(), m.autoDelete(), m.arguments());
        boolean isNew = name.isEmpty() || ch.vhost().queue(name) == null;
        ch.await(definitions().declareQueue(ch.caller, ch.host.broker().nodeName(), declaration), q -> {
            ch.host.counters().churn.queuesDeclared.increment();
            if (isNew) ch.host.counters().churn.queuesCreated.increment();
            ch.lastQueue = q.name();
            if (!m.nowait()) sendDeclareOk(q);
        });
    }

    /** declare-ok carries the counts, asked of the node that serves the queue once this channel's earlier effects landed. */
    private void sendDeclareOk(QueueRecord q) {
        ch.afterEffects(q, () -> ch.await(ch.host.broker().queues().declared(q), s ->
                ch.send(new QueueMethod.DeclareOk(q.name(), (int) Math.min(Integer.MAX_VALUE, s.messagesReady()), s.consumers()))));
    }

    void queueBind(QueueMethod.Bind m) {
        reply(definitions().bind(ch.caller, queueBinding(m.queue(), m.exchange(), m.routingKey(), m.arguments())), m.nowait(),
                () -> ch.send(new QueueMethod.BindOk()));
    }

    void queueUnbind(QueueMethod.Unbind m) {
        reply(definitions().unbind(ch.caller, queueBinding(m.queue(), m.exchange(), m.routingKey(), m.arguments())), false,
                () -> ch.send(new QueueMethod.UnbindOk()));
    }

    /** "" names the queue declared last on this channel, and an empty routing key then means its name. */
    private BindingRecord queueBinding(String queue, String exchange, String key, Map<String, Object> args) {
        String name = ch.queueName(queue);
        String rk = key.isEmpty() && queue.isEmpty() ? name : key;
        return new BindingRecord(ch.host.vhost(), exchange, false, name, rk, args);
    }

    void queuePurge(QueueMethod.Purge m) {
        QueueRecord q = ch.queue(m.queue(), Definitions.Access.READ);
        ch.afterEffects(q, () -> ch.await(definitions().purgeQueue(q), n -> {
            if (!m.nowait()) ch.send(new QueueMethod.PurgeOk((int) Math.min(Integer.MAX_VALUE, n)));
        }));
    }

    void queueDelete(QueueMethod.Delete m) {
        String name = ch.queueName(stripCrLf(m.queue()));
        if (ch.vhost().queue(name) == null) {
            if (!m.nowait()) ch.send(new QueueMethod.DeleteOk(0)); // deleting what is not there succeeds, as in RabbitMQ
            return;
        }
        QueueRecord q = ch.queue(name, Definitions.Access.CONFIGURE);
        ch.afterEffects(q, () -> ch.await(definitions().deleteQueue(q, m.ifUnused(), m.ifEmpty()), n -> {
            ch.host.counters().churn.queuesDeleted.increment();
            if (!m.nowait()) ch.send(new QueueMethod.DeleteOk((int) Math.min(Integer.MAX_VALUE, n)));
        }));
    }
}
