package io.warren.amqp.channel;

import io.warren.amqp.channel.AmqpChannel.Access;
import io.warren.amqp.error.AmqpException;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.ExchangeMethod;
import io.warren.amqp.method.QueueMethod;
import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.GroupMode;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/** exchange.* and queue.* methods: checks, then a command to the metadata group; the -ok after it applied. */
final class Declarations {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final AmqpChannel ch;

    Declarations(AmqpChannel ch) { this.ch = ch; }

    private void submit(MetadataCommand cmd, boolean nowait, Runnable reply) {
        ch.await(ch.host.broker().metadata().submit(cmd), r -> {
            if (r instanceof CommandResult.Refused f) throw f.toException();
            if (!nowait) reply.run();
        });
    }

    private static void refuseDefault(String exchange) {
        if (exchange.isEmpty()) throw DomainException.refused("operation not permitted on the default exchange");
    }

    /** Line feeds and carriage returns are taken out of declared and deleted names, as RabbitMQ does. */
    static String stripCrLf(String name) {
        return name.indexOf('\n') < 0 && name.indexOf('\r') < 0 ? name : name.replace("\n", "").replace("\r", "");
    }

    private static void refuseReserved(String kind, String name) {
        if (name.startsWith("amq.")) {
            throw DomainException.refused(kind + " name '" + name + "' contains reserved prefix 'amq.*'");
        }
    }

    // ---- exchanges ----

    void exchangeDeclare(ExchangeMethod.Declare m) {
        String name = stripCrLf(m.exchange());
        if (m.passive()) {
            if (!name.isEmpty()) ch.exchange(name);
            if (!m.nowait()) ch.send(new ExchangeMethod.DeclareOk());
            return;
        }
        refuseDefault(name);
        refuseReserved("exchange", name);
        ExchangeType type = ExchangeType.parse(m.type()).orElseThrow(() ->
                AmqpException.of(ReplyCode.COMMAND_INVALID, "invalid exchange type '" + m.type() + "'"));
        ch.checkAccess(Access.CONFIGURE, "exchange", name);
        ExchangeRecord x = new ExchangeRecord(ch.host.vhost(), name, type, m.durable(), m.autoDelete(), m.internal(), m.arguments());
        submit(new MetadataCommand.DeclareExchange(x), m.nowait(), () -> ch.send(new ExchangeMethod.DeclareOk()));
    }

    void exchangeDelete(ExchangeMethod.Delete m) {
        String name = stripCrLf(m.exchange());
        refuseDefault(name);
        refuseReserved("exchange", name);
        ch.checkAccess(Access.CONFIGURE, "exchange", name);
        if (ch.vhost().exchange(name) == null) { // deleting what is not there succeeds, as in RabbitMQ
            if (!m.nowait()) ch.send(new ExchangeMethod.DeleteOk());
            return;
        }
        submit(new MetadataCommand.DeleteExchange(ch.host.vhost(), name, m.ifUnused()), m.nowait(),
                () -> ch.send(new ExchangeMethod.DeleteOk()));
    }

    void exchangeBind(ExchangeMethod.Bind m) {
        BindingRecord b = exchangeBinding(m.destination(), m.source(), m.routingKey(), m.arguments());
        submit(new MetadataCommand.Bind(b), m.nowait(), () -> ch.send(new ExchangeMethod.BindOk()));
    }

    void exchangeUnbind(ExchangeMethod.Unbind m) {
        BindingRecord b = exchangeBinding(m.destination(), m.source(), m.routingKey(), m.arguments());
        submit(new MetadataCommand.Unbind(b), m.nowait(), () -> ch.send(new ExchangeMethod.UnbindOk()));
    }

    private BindingRecord exchangeBinding(String destination, String source, String key, Map<String, Object> args) {
        refuseDefault(source);
        refuseDefault(destination);
        ch.checkAccess(Access.WRITE, "exchange", destination);
        ch.checkAccess(Access.READ, "exchange", source);
        return new BindingRecord(ch.host.vhost(), source, true, destination, key, args);
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
        boolean serverNamed = name.isEmpty();
        if (serverNamed) name = "amq.gen-" + randomToken();
        else refuseReserved("queue", name);
        QueueRecord existing = ch.vhost().queue(name);
        if (existing != null) ch.checkExclusive(existing);
        ch.checkAccess(Access.CONFIGURE, "queue", name);
        QueueType type = queueType(name, m, serverNamed);
        if (m.exclusive()) ch.host.ownsExclusiveQueues();
        boolean durable = m.durable() && !m.exclusive(); // as RabbitMQ: an exclusive queue is never durable
        MetadataCommand cmd = new MetadataCommand.DeclareQueue(ch.host.vhost(), name, type, durable, m.exclusive(),
                m.autoDelete(), m.arguments(), ch.host.broker().nodeName(), m.exclusive() ? ch.host.connectionId() : null);
        String declared = name;
        ch.await(ch.host.broker().metadata().submit(cmd), r -> {
            if (r instanceof CommandResult.Refused f) throw f.toException();
            QueueRecord q = ((CommandResult.QueueDeclared) r).queue();
            ch.lastQueue = declared;
            if (!m.nowait()) sendDeclareOk(q);
        });
    }

    /** declare-ok carries the counts, asked of the node that serves the queue once this channel's earlier effects landed. */
    private void sendDeclareOk(QueueRecord q) {
        ch.afterEffects(q, () -> ch.await(ch.host.broker().queues().stats(q), s ->
                ch.send(new QueueMethod.DeclareOk(q.name(), (int) Math.min(Integer.MAX_VALUE, s.messagesReady()), s.consumers()))));
    }

    /** Quorum unless the queue is exclusive, auto-delete, non-durable, server-named or asks to be classic. */
    private static QueueType queueType(String name, QueueMethod.Declare m, boolean serverNamed) {
        Object t = m.arguments().get("x-queue-type");
        String requested = t == null ? null : t.toString();
        String object = "queue '" + name + "'";
        Object g = m.arguments().get(GroupMode.ARGUMENT);
        if (g != null && GroupMode.of(g) == null) {
            throw DomainException.precondition("invalid arg '" + GroupMode.ARGUMENT + "' for " + object + ": '" + g
                    + "' (dedicated or shared)");
        }
        if (requested == null) {
            return m.durable() && !m.exclusive() && !m.autoDelete() && !serverNamed ? QueueType.QUORUM : QueueType.CLASSIC;
        }
        switch (requested) {
            case "classic":
                return QueueType.CLASSIC;
            case "quorum":
                if (!m.durable()) throw DomainException.precondition("invalid property 'non-durable' for " + object);
                if (m.exclusive()) throw DomainException.precondition("invalid property 'exclusive-owner' for " + object);
                if (m.autoDelete()) throw DomainException.precondition("invalid property 'auto-delete' for " + object);
                if (serverNamed) throw DomainException.precondition("invalid property 'server-named' for " + object);
                return QueueType.QUORUM;
            default:
                throw DomainException.precondition("invalid arg 'x-queue-type' for " + object + ": queue type '" + requested
                        + "' is not supported (quorum or classic)");
        }
    }

    private static String randomToken() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    void queueBind(QueueMethod.Bind m) {
        BindingRecord b = queueBinding(m.queue(), m.exchange(), m.routingKey(), m.arguments());
        submit(new MetadataCommand.Bind(b), m.nowait(), () -> ch.send(new QueueMethod.BindOk()));
    }

    /** Unbinding what is not bound, or from a queue or exchange that does not exist, succeeds (as in RabbitMQ). */
    void queueUnbind(QueueMethod.Unbind m) {
        refuseDefault(m.exchange());
        String name = ch.queueName(m.queue());
        QueueRecord q = ch.vhost().queue(name);
        if (q != null) ch.checkExclusive(q);
        BindingRecord b = queueBinding(name, m.queue().isEmpty(), m.exchange(), m.routingKey(), m.arguments());
        submit(new MetadataCommand.Unbind(b), false, () -> ch.send(new QueueMethod.UnbindOk()));
    }

    private BindingRecord queueBinding(String queue, String exchange, String key, Map<String, Object> args) {
        refuseDefault(exchange);
        QueueRecord q = ch.queue(queue);
        return queueBinding(q.name(), queue.isEmpty(), exchange, key, args);
    }

    private BindingRecord queueBinding(String queue, boolean lastDeclared, String exchange, String key, Map<String, Object> args) {
        ch.checkAccess(Access.WRITE, "queue", queue);
        ch.checkAccess(Access.READ, "exchange", exchange);
        String rk = key.isEmpty() && lastDeclared ? queue : key;
        return new BindingRecord(ch.host.vhost(), exchange, false, queue, rk, args);
    }

    void queuePurge(QueueMethod.Purge m) {
        QueueRecord q = ch.queue(m.queue());
        ch.checkAccess(Access.READ, "queue", q.name());
        ch.afterEffects(q, () -> ch.await(ch.host.broker().queues().purge(q), n -> {
            if (!m.nowait()) ch.send(new QueueMethod.PurgeOk((int) Math.min(Integer.MAX_VALUE, n)));
        }));
    }

    void queueDelete(QueueMethod.Delete m) {
        String name = ch.queueName(stripCrLf(m.queue()));
        QueueRecord q = ch.vhost().queue(name);
        if (q == null) { // deleting what is not there succeeds, as in RabbitMQ
            if (!m.nowait()) ch.send(new QueueMethod.DeleteOk(0));
            return;
        }
        ch.checkExclusive(q);
        ch.checkAccess(Access.CONFIGURE, "queue", name);
        ch.afterEffects(q, () -> ch.await(ch.host.broker().deleteQueue(q, m.ifUnused(), m.ifEmpty()), n -> {
            if (!m.nowait()) ch.send(new QueueMethod.DeleteOk((int) Math.min(Integer.MAX_VALUE, n)));
        }));
    }
}
