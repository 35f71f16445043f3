package io.warren.metadata.service;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Caller;
import io.warren.metadata.port.Definitions;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.MessageProperties;
import io.warren.metadata.port.MetadataPort;
import io.warren.metadata.port.Publisher;
import io.warren.metadata.port.QueuePort;
import io.warren.metadata.queue.Expiration;
import io.warren.metadata.routing.Router;
import io.warren.metadata.state.VhostState;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Publisher} over the metadata and queue ports. A routable publish looks nothing up twice and decodes the
 * properties only when they carry headers or a user-id; an exchange this replica does not know, or a default-exchange
 * publish that routes nowhere, may name something declared through another node a moment ago: the replica catches up
 * with the metadata group once and routes again.
 */
public final class RoutedPublisher implements Publisher {
    private final MetadataPort metadata;
    private final QueuePort queues;
    private final Definitions definitions;

    public RoutedPublisher(MetadataPort metadata, QueuePort queues, Definitions definitions) {
        this.metadata = metadata;
        this.queues = queues;
        this.definitions = definitions;
    }

    @Override
    public CompletableFuture<Routed> route(Caller caller, Message message) {
        try {
            Routed r = tryRoute(caller, message, false);
            if (r != null) return CompletableFuture.completedFuture(r);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return metadata.sync().thenApply(v -> tryRoute(caller, message, true));
    }

    /** The routed message, or null when the replica should catch up first ({@code synced} false only). */
    private Routed tryRoute(Caller caller, Message m, boolean synced) {
        VhostState v = CheckedDefinitions.vhost(metadata, caller);
        ExchangeRecord x = v.exchange(m.exchange());
        if (x == null) {
            if (!synced) return null;
            throw DomainException.notFound("exchange '" + m.exchange() + "' in vhost '" + caller.vhost() + "'");
        }
        boolean broker = caller.isBroker();
        if (!broker) {
            if (x.internal()) throw DomainException.refused("cannot publish to internal " + x.describe());
            definitions.authorize(caller, Definitions.Access.WRITE, "exchange", x.name());
            definitions.authorizeTopic(caller, Definitions.Access.WRITE, x, m.routingKey());
        }
        Map<String, Object> headers = null;
        Message out = m;
        byte[] props = m.properties();
        if (MessageProperties.hasHeaders(props) || MessageProperties.hasUserId(props) || MessageProperties.hasExpiration(props)) {
            MessageProperties p = decode(props);
            headers = p.headers();
            if (!broker) checkUserId(caller, p);
            if (p.expiration() != null) Expiration.parse(p.expiration());
            if (headers != null && headers.containsKey("BCC")) { // routes, but is not delivered
                Map<String, Object> delivered = new LinkedHashMap<>(headers);
                delivered.remove("BCC");
                out = new Message(m.exchange(), m.routingKey(), p.withHeaders(delivered).encode(), m.body());
            }
        }
        List<QueueRecord> targets = Router.route(v, x, m.routingKey(), headers);
        if (targets.isEmpty() && !synced && x.name().isEmpty()) return null;
        return new Routed(out, targets);
    }

    /** A user-id property must name the publishing user, as RabbitMQ requires. */
    public static void checkUserId(Caller caller, MessageProperties p) {
        if (p.userId() != null && !p.userId().equals(caller.user())) {
            throw DomainException.precondition("user_id property set to '" + p.userId() + "' but authenticated user was '"
                    + caller.user() + "'");
        }
    }

    private static MessageProperties decode(byte[] props) {
        try {
            return MessageProperties.decode(props);
        } catch (BinaryReader.MalformedException e) {
            throw new DomainException(DomainException.Kind.MALFORMED_INPUT, "cannot decode content header properties: " + e.getMessage());
        }
    }

    @Override
    public CompletableFuture<Outcome> deliver(Routed r, Tracker tracker) {
        List<QueueRecord> targets = r.queues();
        if (targets.isEmpty()) return CompletableFuture.completedFuture(new Outcome(0, 0, null));
        if (targets.size() == 1) {
            return enqueue(targets.get(0), r, tracker).handle((v, err) -> new Outcome(1, err == null ? 0 : 1, failure(err)));
        }
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<Throwable> first = new AtomicReference<>();
        CompletableFuture<?>[] fs = new CompletableFuture<?>[targets.size()];
        for (int i = 0; i < fs.length; i++) {
            fs[i] = enqueue(targets.get(i), r, tracker).handle((v, err) -> {
                if (err != null) {
                    failed.incrementAndGet();
                    first.compareAndSet(null, failure(err));
                }
                return null;
            });
        }
        return CompletableFuture.allOf(fs).thenApply(v -> new Outcome(fs.length, failed.get(), first.get()));
    }

    private CompletableFuture<Void> enqueue(QueueRecord q, Routed r, Tracker tracker) {
        CompletableFuture<Void> f;
        try {
            f = queues.publish(q, r.message(), r.origin());
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return tracker.track(q, f);
    }

    private static Throwable failure(Throwable err) {
        return err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
    }
}
