package io.warren.metadata.service;

import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.PasswordHash;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.port.Caller;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Definitions;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.MessageProperties;
import io.warren.metadata.port.MetadataPort;
import io.warren.metadata.port.Publisher;
import io.warren.metadata.port.QueueConsumer;
import io.warren.metadata.port.QueuePort;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.queue.ClassicQueue;
import io.warren.metadata.state.MetadataState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The broker services called as a front end without AMQP would call them (the HTTP API, a shovel, dead-lettering):
 * routing, fan-out, outcomes, the catch-up on a miss, and the checks, each refusal with its domain kind.
 */
class BrokerServicesTest {
    /** Metadata applied at once; every queue an in-memory classic queue; a queue named "broken" refuses publishes. */
    static final class Ports implements MetadataPort, QueuePort {
        final MetadataState state = new MetadataState();
        final Map<Long, ClassicQueue> queues = new ConcurrentHashMap<>();
        final AtomicInteger syncs = new AtomicInteger();

        @Override public MetadataState state() { return state; }

        @Override public synchronized CompletableFuture<CommandResult> submit(MetadataCommand c) {
            CommandResult r = state.apply(c);
            if (r instanceof CommandResult.QueueDeclared d && d.created()) queues.put(d.queue().id(), new ClassicQueue(d.queue()));
            return CompletableFuture.completedFuture(r);
        }

        @Override public CompletableFuture<Void> sync() {
            syncs.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override public CompletableFuture<Void> publish(QueueRecord q, Message m, io.warren.metadata.port.Origin origin) {
            if (q.name().equals("broken")) return CompletableFuture.failedFuture(new DomainException(DomainException.Kind.UNAVAILABLE, "no leader"));
            return queues.get(q.id()).publish(m, origin);
        }

        @Override public CompletableFuture<QueueConsumer> consume(QueueRecord q, ConsumerSpec s, ConsumerSink sink) { throw new UnsupportedOperationException(); }

        @Override public CompletableFuture<Delivery> get(QueueRecord q, boolean noAck) { return CompletableFuture.completedFuture(queues.get(q.id()).get(noAck)); }

        @Override public CompletableFuture<Void> settle(QueueRecord q, long[] o) { return queues.get(q.id()).settle(o); }

        @Override public CompletableFuture<Void> requeue(QueueRecord q, long[] o) { return queues.get(q.id()).requeue(o); }

        @Override public CompletableFuture<Long> purge(QueueRecord q) { return CompletableFuture.completedFuture(queues.get(q.id()).purge()); }

        @Override public CompletableFuture<QueueStats> stats(QueueRecord q) { return CompletableFuture.completedFuture(queues.get(q.id()).stats()); }
    }

    final Ports ports = new Ports();
    final Definitions definitions = new CheckedDefinitions(ports, ports);
    final Publisher publisher = new RoutedPublisher(ports, ports, definitions);
    final Caller admin = new Caller("admin", "/", null);
    final Caller reader = new Caller("reader", "/", null);

    BrokerServicesTest() {
        ports.submit(new MetadataCommand.AddVhost("/"));
        ports.submit(new MetadataCommand.PutUser(new UserRecord("admin", PasswordHash.hash("a"), Set.of("administrator"), false)));
        ports.submit(new MetadataCommand.SetPermission(new Permission("admin", "/", ".*", ".*", ".*")));
        ports.submit(new MetadataCommand.PutUser(new UserRecord("reader", PasswordHash.hash("r"), Set.of(), false)));
        ports.submit(new MetadataCommand.SetPermission(new Permission("reader", "/", "", "", ".*")));
    }

    private QueueRecord declare(String name) {
        return definitions.declareQueue(admin, "n1", new Definitions.QueueDeclaration(name, true, false, false, Map.of())).join();
    }

    private static DomainException.Kind refusal(Runnable r) {
        try {
            r.run();
        } catch (CompletionException e) {
            return ((DomainException) e.getCause()).kind();
        } catch (DomainException e) {
            return e.kind();
        }
        return fail("not refused");
    }

    private static Message message(String exchange, String key, MessageProperties p) {
        return Message.of(exchange, key, p, "hi".getBytes());
    }

    private static MessageProperties headers(Map<String, Object> h) {
        return new MessageProperties(null, null, h, null, null, null, null, null, null, null, null, null, null, null);
    }

    @Test
    void aTopicPublishFansOutAndBccIsNotDelivered() {
        QueueRecord a = declare("a"), b = declare("b"), hidden = declare("hidden");
        definitions.declareExchange(admin, "t", ExchangeType.TOPIC, true, false, false, Map.of()).join();
        definitions.bind(admin, new BindingRecord("/", "t", false, "a", "k.*", Map.of())).join();
        definitions.bind(admin, new BindingRecord("/", "t", false, "b", "#", Map.of())).join();
        definitions.bind(admin, new BindingRecord("/", "t", false, "hidden", "secret", Map.of())).join();
        Publisher.Outcome o = publisher.publish(admin, message("t", "k.1", headers(Map.of("BCC", List.of("secret"), "h", "v")))).join();
        assertEquals(new Publisher.Outcome(3, 0, null), o);
        assertTrue(o.safe());
        for (QueueRecord q : List.of(a, b, hidden)) {
            Delivery d = ports.get(q, true).join();
            assertNotNull(d, q.name());
            Map<String, Object> h = d.message().typedProperties().headers();
            assertFalse(h.containsKey("BCC"), "BCC is routed on, not delivered: " + h);
            assertEquals("v", String.valueOf(h.get("h")));
        }
    }

    @Test
    void theDefaultExchangeRoutesByNameAndUnroutableHasNoQueues() {
        declare("direct-q");
        assertEquals(1, publisher.publish(admin, message("", "direct-q", null)).join().queues());
        Publisher.Routed r = publisher.route(admin, message("", "nowhere", null)).join();
        assertTrue(r.unroutable());
        assertEquals(new Publisher.Outcome(0, 0, null), publisher.deliver(r, Publisher.Tracker.NONE).join());
        assertEquals(1, ports.syncs.get(), "a default-exchange miss catches up once with the metadata group");
    }

    @Test
    void anUnknownExchangeIsLookedUpOnceMoreThenNotFound() {
        assertEquals(DomainException.Kind.NOT_FOUND, refusal(() -> publisher.route(admin, message("missing", "k", null)).join()));
        assertEquals(1, ports.syncs.get());
    }

    @Test
    void aFailedQueueMakesTheOutcomeUnsafeButTheOthersKeepTheMessage() {
        QueueRecord ok = declare("ok");
        declare("broken");
        definitions.declareExchange(admin, "f", ExchangeType.FANOUT, true, false, false, Map.of()).join();
        definitions.bind(admin, new BindingRecord("/", "f", false, "ok", "", Map.of())).join();
        definitions.bind(admin, new BindingRecord("/", "f", false, "broken", "", Map.of())).join();
        AtomicInteger tracked = new AtomicInteger();
        Publisher.Routed r = publisher.route(admin, message("f", "", null)).join();
        Publisher.Outcome o = publisher.deliver(r, (q, f) -> { tracked.incrementAndGet(); return f; }).join();
        assertEquals(2, o.queues());
        assertEquals(1, o.failed());
        assertFalse(o.safe());
        assertTrue(o.firstFailure().getMessage().contains("no leader"), String.valueOf(o.firstFailure()));
        assertEquals(2, tracked.get(), "the tracker sees every target's enqueue");
        assertEquals(1, ports.stats(ok).join().messages());
    }

    @Test
    void publishingIsChecked() {
        definitions.declareExchange(admin, "internal", ExchangeType.DIRECT, true, false, true, Map.of()).join();
        assertEquals(DomainException.Kind.ACCESS_REFUSED, refusal(() -> publisher.route(admin, message("internal", "k", null)).join()));
        assertEquals(DomainException.Kind.ACCESS_REFUSED, refusal(() -> publisher.route(reader, message("", "k", null)).join()));
        MessageProperties other = new MessageProperties(null, null, null, null, null, null, null, null, null, null, null, "mallory", null, null);
        assertEquals(DomainException.Kind.PRECONDITION_FAILED, refusal(() -> publisher.route(admin, message("", "k", other)).join()));
        assertEquals(DomainException.Kind.PRECONDITION_FAILED,
                refusal(() -> publisher.route(admin, message("amq.direct", "k", headers(Map.of("CC", "not-a-list")))).join()));
        assertEquals(DomainException.Kind.MALFORMED_INPUT,
                refusal(() -> publisher.route(admin, new Message("", "k", new byte[]{(byte) 0x20, 0, 0, 0, 0, 9}, new byte[0])).join()));
    }

    @Test
    void definitionsAreChecked() {
        assertEquals(DomainException.Kind.ACCESS_REFUSED, refusal(() -> declare("amq.mine")));
        assertEquals(DomainException.Kind.ACCESS_REFUSED,
                refusal(() -> definitions.declareExchange(admin, "", ExchangeType.DIRECT, true, false, false, Map.of()).join()));
        assertEquals(DomainException.Kind.ACCESS_REFUSED, refusal(() -> definitions.declareQueue(reader, "n1",
                new Definitions.QueueDeclaration("r", true, false, false, Map.of())).join()));
        assertEquals(DomainException.Kind.PRECONDITION_FAILED, refusal(() -> definitions.declareQueue(admin, "n1",
                new Definitions.QueueDeclaration("ex", true, true, false, Map.of())).join()), "exclusive needs a connection");
        assertEquals(DomainException.Kind.ACCESS_REFUSED,
                refusal(() -> definitions.bind(admin, new BindingRecord("/", "", false, "x", "k", Map.of())).join()));
        assertEquals(DomainException.Kind.NOT_FOUND,
                refusal(() -> definitions.bind(admin, new BindingRecord("/", "amq.direct", false, "none", "k", Map.of())).join()));
        assertEquals(QueueType.QUORUM, declare("plain").type());
        assertEquals(QueueType.CLASSIC, definitions.declareQueue(admin, "n1",
                new Definitions.QueueDeclaration("", false, false, true, Map.of())).join().type(), "server-named, transient");
        assertEquals(DomainException.Kind.PRECONDITION_FAILED, refusal(() -> definitions.declareQueue(admin, "n1",
                new Definitions.QueueDeclaration("qq", false, false, false, Map.of("x-queue-type", "quorum"))).join()));
    }

    @Test
    void exclusiveQueuesBelongToTheirConnection() {
        Caller owner = new Caller("admin", "/", "n1/c1"), other = new Caller("admin", "/", "n1/c2");
        QueueRecord q = definitions.declareQueue(owner, "n1", new Definitions.QueueDeclaration("mine", true, true, false, Map.of())).join();
        assertFalse(q.durable(), "an exclusive queue is never durable");
        assertEquals(q, definitions.queue(owner, "mine"));
        assertEquals(DomainException.Kind.RESOURCE_LOCKED, refusal(() -> definitions.queue(other, "mine")));
        assertEquals(DomainException.Kind.RESOURCE_LOCKED, refusal(() -> definitions.queue(admin, "mine")));
    }

    @Test
    void deleteChecksWhereTheQueueIsServed() {
        QueueRecord q = declare("full");
        publisher.publish(admin, message("", "full", null)).join();
        assertEquals(DomainException.Kind.PRECONDITION_FAILED, refusal(() -> definitions.deleteQueue(q, false, true).join()));
        assertEquals(1L, definitions.deleteQueue(q, true, false).join());
        assertNull(ports.state().vhost("/").queue("full"));
        definitions.deleteExchange(admin, "never-was", false).join(); // deleting what is not there succeeds
        ExchangeRecord x = definitions.exchange(admin, "amq.topic");
        assertEquals(ExchangeType.TOPIC, x.type());
    }
}
