package io.warren.amqp;

import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.PasswordHash;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.port.BrokerPort;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.MetadataPort;
import io.warren.metadata.port.QueueConsumer;
import io.warren.metadata.port.QueuePort;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.queue.ClassicQueue;
import io.warren.metadata.state.MetadataState;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory broker port for protocol-state tests of the front end: metadata applied synchronously, every
 * queue an in-memory {@link ClassicQueue}. Not a replacement for the Raft-backed broker (integration tests
 * cover that); it lets codec and channel tests run in an EmbeddedChannel.
 */
public final class InMemoryBroker implements BrokerPort, MetadataPort, QueuePort, BrokerPort.Alarms {
    private final MetadataState state = new MetadataState();
    private final Map<Long, ClassicQueue> queues = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Runnable> alarmListeners = new CopyOnWriteArrayList<>();
    private volatile Set<String> alarms = Set.of();

    public InMemoryBroker() {
        submit(new MetadataCommand.AddVhost("/"));
        submit(new MetadataCommand.PutUser(new UserRecord("guest", PasswordHash.hash("guest"), Set.of(), false)));
        submit(new MetadataCommand.SetPermission(new Permission("guest", "/", ".*", ".*", ".*")));
    }

    public void setAlarms(Set<String> a) {
        alarms = a;
        alarmListeners.forEach(Runnable::run);
    }

    @Override public String nodeName() { return "warren@memory"; }

    @Override public MetadataPort metadata() { return this; }

    @Override public QueuePort queues() { return this; }

    @Override public Alarms alarms() { return this; }

    @Override public MetadataState state() { return state; }

    /** When set, metadata commands wait for this future before they apply (a slow metadata group). */
    public volatile CompletableFuture<Void> gate;

    @Override
    public CompletableFuture<CommandResult> submit(MetadataCommand command) {
        CompletableFuture<Void> g = gate;
        return g == null ? applyNow(command) : g.thenCompose(v -> applyNow(command));
    }

    private synchronized CompletableFuture<CommandResult> applyNow(MetadataCommand command) {
        CommandResult r = state.apply(command);
        if (r instanceof CommandResult.QueueDeclared d && d.created()) queues.put(d.queue().id(), new ClassicQueue(d.queue()));
        if (r instanceof CommandResult.QueuesDeleted d) {
            for (QueueRecord q : d.queues()) { ClassicQueue c = queues.remove(q.id()); if (c != null) c.close(); }
        }
        return CompletableFuture.completedFuture(r);
    }

    private final io.warren.metadata.port.Definitions definitions = new io.warren.metadata.service.CheckedDefinitions(this, this);
    private final io.warren.metadata.port.Publisher publisher = new io.warren.metadata.service.RoutedPublisher(this, this, definitions);

    @Override public io.warren.metadata.port.Definitions definitions() { return definitions; }

    @Override public io.warren.metadata.port.Publisher publisher() { return publisher; }

    private ClassicQueue q(QueueRecord r) { return queues.get(r.id()); }

    @Override public CompletableFuture<Void> publish(QueueRecord queue, Message message, io.warren.metadata.port.Origin origin) {
        return q(queue).publish(message, origin);
    }

    @Override
    public CompletableFuture<QueueConsumer> consume(QueueRecord queue, ConsumerSpec spec, ConsumerSink sink) {
        try {
            return CompletableFuture.completedFuture(q(queue).addConsumer(spec, sink));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override public CompletableFuture<Delivery> get(QueueRecord queue, boolean noAck) { return CompletableFuture.completedFuture(q(queue).get(noAck)); }

    @Override public CompletableFuture<Void> settle(QueueRecord queue, long[] offsets) { return q(queue).settle(offsets); }

    @Override public CompletableFuture<Void> requeue(QueueRecord queue, long[] offsets) { return q(queue).requeue(offsets); }

    @Override public CompletableFuture<Long> purge(QueueRecord queue) { return CompletableFuture.completedFuture(q(queue).purge()); }

    @Override public CompletableFuture<QueueStats> stats(QueueRecord queue) {
        ClassicQueue c = q(queue);
        return CompletableFuture.completedFuture(c == null ? new QueueStats(0, 0, 0, 0) : c.stats());
    }

    @Override public Set<String> active() { return alarms; }

    @Override public void addListener(Runnable onChange) { alarmListeners.add(onChange); }

    @Override public void removeListener(Runnable onChange) { alarmListeners.remove(onChange); }
}
