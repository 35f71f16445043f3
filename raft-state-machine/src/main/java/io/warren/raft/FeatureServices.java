package io.warren.raft;

import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Caller;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.MetadataPort;
import io.warren.metadata.port.Origin;
import io.warren.metadata.port.Publisher;
import io.warren.metadata.queue.DeadLetters;
import io.warren.metadata.queue.QueueFeatures;
import io.warren.metadata.queue.QueueServices;
import io.warren.metadata.state.VhostState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the queue engines of this node use for their features: the features from the queue's arguments and the
 * policy this node has applied, one timer thread, dead-lettering through the {@link Publisher} (as the broker, with
 * RabbitMQ's cycle rule), and queue expiry as a metadata deletion of that very queue (by id: a queue declared again
 * under the name since is not touched). Also ticks every served queue now and then ({@link #TICK_MS}).
 */
final class FeatureServices implements QueueServices, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FeatureServices.class);
    static final long TICK_MS = 1_000;

    private static final CompletableFuture<Boolean> FALSE = CompletableFuture.completedFuture(false);
    private static final CompletableFuture<CompletableFuture<Boolean>> STARTED = CompletableFuture.completedFuture(FALSE);

    private final MetadataPort metadata;
    /** Per source queue id: the last dead-letter asked for, complete once its delivery has started. */
    private final ConcurrentHashMap<Long, CompletableFuture<CompletableFuture<Boolean>>> routing = new ConcurrentHashMap<>();
    private final Supplier<Publisher> publisher;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "warren-queue-timer");
        t.setDaemon(true);
        return t;
    });

    /** The timer as an executor for continuations; once closed, they run where they complete. */
    private final Executor onTimer = r -> {
        try {
            timer.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    };

    FeatureServices(MetadataPort metadata, Supplier<Publisher> publisher) {
        this.metadata = metadata;
        this.publisher = publisher;
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Ticks {@code host}'s queues every {@link #TICK_MS} ms. */
    void start(QueueHost host) {
        timer.scheduleWithFixedDelay(() -> {
            try {
                host.tick(metadata.state().allQueues());
            } catch (RuntimeException e) {
                LOG.warn("queue tick: {}", e.toString());
            }
        }, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public QueueFeatures features(QueueRecord q) {
        VhostState v = metadata.state().vhost(q.vhost());
        return v == null ? QueueFeatures.of(q, null) : QueueFeatures.of(q, v.policyFor(q.name()), v.operatorPolicyFor(q.name()));
    }

    @Override public long now() { return System.currentTimeMillis(); }

    @Override public ScheduledExecutorService timer() { return timer; }

    /**
     * A queue's dead-letters are routed one after the other and each delivery is started before the next is routed
     * (a route can wait for the metadata group): so they reach their targets in the order the queue asked.
     */
    @Override
    public CompletableFuture<Boolean> deadLetter(QueueRecord from, Message m, Origin origin) {
        CompletableFuture<CompletableFuture<Boolean>> started = new CompletableFuture<>();
        CompletableFuture<CompletableFuture<Boolean>> prev = routing.put(from.id(), started);
        // on the timer thread, never on the thread that completed the previous one: that may be Ratis's, holding its
        // locks, and a route may wait for the metadata group
        (prev == null ? STARTED : prev).thenComposeAsync(x -> start(from, m, origin), onTimer)
                .whenComplete((f, e) -> started.complete(f == null ? FALSE : f));
        started.whenComplete((f, e) -> routing.remove(from.id(), started));
        return started.thenCompose(f -> f).thenApplyAsync(safe -> safe, onTimer); // the queue's engine goes on off Ratis's threads too
    }

    /** Completes once {@code m} is routed and its delivery started, with the delivery's outcome (never exceptionally). */
    private CompletableFuture<CompletableFuture<Boolean>> start(QueueRecord from, Message m, Origin origin) {
        Publisher p = publisher.get();
        CompletableFuture<Publisher.Routed> routed;
        try {
            routed = p.route(Caller.broker(from.vhost()), m);
        } catch (RuntimeException e) {
            routed = CompletableFuture.failedFuture(e);
        }
        return routed.thenApply(r -> {
            List<QueueRecord> targets = r.queues().stream().filter(q -> !DeadLetters.cycles(r.message(), q.name())).toList();
            if (targets.isEmpty()) return FALSE;
            return p.deliver(new Publisher.Routed(r.message(), targets, origin), Publisher.Tracker.NONE).thenApply(Publisher.Outcome::safe);
        }).exceptionally(e -> {
            LOG.debug("dead-letter from {}: {}", from.describe(), e.toString());
            return FALSE;
        });
    }

    @Override
    public CompletableFuture<Void> expire(QueueRecord q) {
        LOG.info("{} unused for its expiry ({} ms): deleting it", q.describe(), features(q).expires());
        return metadata.submit(new MetadataCommand.DeleteQueue(q.vhost(), q.name(), q.id())).handle((r, e) -> {
            if (e != null) LOG.warn("expiry of {}: {}", q.describe(), e.toString());
            return null;
        });
    }

    @Override public void close() { timer.shutdownNow(); }
}
