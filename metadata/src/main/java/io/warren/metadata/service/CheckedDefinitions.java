package io.warren.metadata.service;

import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Caller;
import io.warren.metadata.port.Definitions;
import io.warren.metadata.port.MetadataPort;
import io.warren.metadata.port.QueuePort;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.state.VhostState;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** {@link Definitions} over the metadata and queue ports: every check here, then one metadata command. */
public final class CheckedDefinitions implements Definitions {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MetadataPort metadata;
    private final QueuePort queues;

    public CheckedDefinitions(MetadataPort metadata, QueuePort queues) { this(metadata, queues, io.warren.metadata.model.QueueType.QUORUM); }

    /**
     * {@code defaultType}: what an untyped durable, non-exclusive, non-auto-delete queue becomes (node's
     * default_queue_type) unless its vhost has a default queue type of its own.
     */
    public CheckedDefinitions(MetadataPort metadata, QueuePort queues, io.warren.metadata.model.QueueType defaultType) {
        this.metadata = metadata;
        this.queues = queues;
        this.defaultType = defaultType;
    }

    private final io.warren.metadata.model.QueueType defaultType;

    /** The caller's vhost as this replica has it; NOT_ALLOWED once it was deleted. */
    static VhostState vhost(MetadataPort metadata, Caller caller) {
        VhostState v = metadata.state().vhost(caller.vhost());
        if (v == null) throw DomainException.notAllowed("vhost '" + caller.vhost() + "' was deleted");
        return v;
    }

    private VhostState vhost(Caller caller) { return vhost(metadata, caller); }

    private static <T> CompletableFuture<T> checked(java.util.function.Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (DomainException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public void authorize(Caller caller, Access access, String kind, String name) {
        if (caller.isBroker()) return; // the broker itself, or the node's operator (the CLI with the cluster secret)
        Permission p = metadata.state().permission(caller.user(), caller.vhost());
        boolean ok = p != null && switch (access) {
            case CONFIGURE -> p.mayConfigure(name);
            case WRITE -> p.mayWrite(name);
            case READ -> p.mayRead(name);
        };
        if (!ok) {
            throw DomainException.refused("access to " + kind + " '" + name + "' in vhost '" + caller.vhost()
                    + "' refused for user '" + caller.user() + "'");
        }
    }

    @Override
    public void authorizeTopic(Caller caller, Access access, ExchangeRecord x, String routingKey) {
        if (x.type() != ExchangeType.TOPIC || caller.isBroker()) return;
        var p = metadata.state().access().topicPermission(caller.user(), caller.vhost(), x.name());
        if (p == null) return; // no topic permission for the exchange: RabbitMQ lets it through
        boolean ok = access == Access.WRITE ? p.mayWrite(routingKey, caller.connectionId()) : p.mayRead(routingKey, caller.connectionId());
        if (!ok) {
            throw DomainException.refused("access to topic '" + routingKey + "' in exchange '" + x.name() + "' in vhost '"
                    + caller.vhost() + "' refused for user '" + caller.user() + "'");
        }
    }

    private static void refuseDefault(String exchange) {
        if (exchange.isEmpty()) throw DomainException.refused("operation not permitted on the default exchange");
    }

    private static void refuseReserved(String kind, String name) {
        if (name.startsWith("amq.")) throw DomainException.refused(kind + " name '" + name + "' contains reserved prefix 'amq.*'");
    }

    // ---- exchanges ----

    @Override
    public ExchangeRecord exchange(Caller caller, String name) {
        ExchangeRecord x = vhost(caller).exchange(name);
        if (x == null) throw DomainException.notFound("exchange '" + name + "' in vhost '" + caller.vhost() + "'");
        return x;
    }

    @Override
    public CompletableFuture<Void> declareExchange(Caller caller, String name, ExchangeType type, boolean durable, boolean autoDelete,
                                                   boolean internal, Map<String, Object> arguments) {
        return checked(() -> {
            refuseDefault(name);
            refuseReserved("exchange", name);
            authorize(caller, Access.CONFIGURE, "exchange", name);
            ExchangeRecord x = new ExchangeRecord(caller.vhost(), name, type, durable, autoDelete, internal, arguments);
            return metadata.change(new MetadataCommand.DeclareExchange(x)).thenApply(r -> null);
        });
    }

    @Override
    public CompletableFuture<Void> deleteExchange(Caller caller, String name, boolean ifUnused) {
        return checked(() -> {
            refuseDefault(name);
            refuseReserved("exchange", name);
            authorize(caller, Access.CONFIGURE, "exchange", name);
            if (vhost(caller).exchange(name) == null) return CompletableFuture.completedFuture(null);
            return metadata.change(new MetadataCommand.DeleteExchange(caller.vhost(), name, ifUnused)).thenApply(r -> null);
        });
    }

    // ---- bindings ----

    @Override
    public CompletableFuture<Void> bind(Caller caller, BindingRecord b) {
        return checked(() -> {
            checkBinding(caller, b, true);
            return metadata.change(new MetadataCommand.Bind(b)).thenApply(r -> null);
        });
    }

    @Override
    public CompletableFuture<Void> unbind(Caller caller, BindingRecord b) {
        return checked(() -> {
            checkBinding(caller, b, false);
            return metadata.change(new MetadataCommand.Unbind(b)).thenApply(r -> null);
        });
    }

    /** The default exchange takes no explicit bindings; write on the destination, read on the source. */
    private void checkBinding(Caller caller, BindingRecord b, boolean binding) {
        if (!b.vhost().equals(caller.vhost())) throw DomainException.refused("binding in vhost '" + b.vhost() + "' from vhost '" + caller.vhost() + "'");
        refuseDefault(b.source());
        if (b.toExchange()) {
            refuseDefault(b.destination());
            authorize(caller, Access.WRITE, "exchange", b.destination());
        } else {
            if (binding) {
                queue(caller, b.destination()); // there, and not another connection's
            } else {
                QueueRecord q = vhost(caller).queue(b.destination());
                if (q != null) checkExclusive(caller, q);
            }
            authorize(caller, Access.WRITE, "queue", b.destination());
        }
        authorize(caller, Access.READ, "exchange", b.source());
        ExchangeRecord source = vhost(caller).exchange(b.source());
        if (source != null) authorizeTopic(caller, Access.READ, source, b.routingKey());
    }

    // ---- queues ----

    @Override
    public QueueRecord queue(Caller caller, String name) {
        QueueRecord q = vhost(caller).queue(name);
        if (q == null) throw DomainException.notFound("queue '" + name + "' in vhost '" + caller.vhost() + "'");
        checkExclusive(caller, q);
        return q;
    }

    private static void checkExclusive(Caller caller, QueueRecord q) {
        if (q.exclusiveOwner() != null && !q.exclusiveOwner().equals(caller.connectionId())) {
            throw DomainException.locked("cannot obtain exclusive access to locked " + q.describe()
                    + ". It could be originally declared on another connection or the exclusive property value does not"
                    + " match that of the original declaration.");
        }
    }

    @Override
    public CompletableFuture<QueueRecord> declareQueue(Caller caller, String node, QueueDeclaration d) {
        return checked(() -> {
            String name = d.name();
            boolean serverNamed = name.isEmpty();
            if (serverNamed) name = "amq.gen-" + randomToken();
            else refuseReserved("queue", name);
            io.warren.metadata.queue.QueueFeatures.check(name, d.arguments());
            if (d.exclusive() && caller.connectionId() == null) {
                throw DomainException.precondition("an exclusive queue belongs to a client connection: declare it over one");
            }
            QueueRecord existing = vhost(caller).queue(name);
            if (existing != null) checkExclusive(caller, existing);
            authorize(caller, Access.CONFIGURE, "queue", name);
            long max = vhost(caller).limit("max-queues");
            if (existing == null && max >= 0 && vhost(caller).queueCount() >= max) {
                throw DomainException.precondition("cannot declare queue '" + name + "': queue limit in vhost '" + caller.vhost()
                        + "' (" + max + ") is reached");
            }
            var vhostDefault = vhost(caller).defaultQueueType();
            var type = QueueTypes.of(name, d, serverNamed, vhostDefault != null ? vhostDefault : defaultType);
            boolean durable = d.durable() && !d.exclusive(); // as RabbitMQ: an exclusive queue is never durable
            MetadataCommand cmd = new MetadataCommand.DeclareQueue(caller.vhost(), name, type, durable, d.exclusive(), d.autoDelete(),
                    d.arguments(), node, d.exclusive() ? caller.connectionId() : null);
            return metadata.change(cmd).thenApply(r -> ((CommandResult.QueueDeclared) r).queue());
        });
    }

    private static String randomToken() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public CompletableFuture<Long> purgeQueue(QueueRecord q) { return queues.purge(q); }

    @Override
    public CompletableFuture<Long> deleteQueue(QueueRecord q, boolean ifUnused, boolean ifEmpty) {
        // if-unused/if-empty need the real counts; an unconditional delete goes ahead when the queue cannot answer
        CompletableFuture<QueueStats> counts = ifUnused || ifEmpty ? queues.stats(q) : queues.stats(q).exceptionally(e -> new QueueStats(0, 0, 0, 0));
        return counts.thenCompose(s -> {
            if (ifUnused && s.consumers() > 0) throw new CompletionException(DomainException.precondition(q.describe() + " in use"));
            if (ifEmpty && s.messages() > 0) throw new CompletionException(DomainException.precondition(q.describe() + " not empty"));
            return metadata.submit(new MetadataCommand.DeleteQueue(q.vhost(), q.name(), q.id())).thenApply(r -> s.messages());
        });
    }
}
