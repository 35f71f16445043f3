package io.warren.metadata.queue;

import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * What a queue engine needs from the node that serves it for the features that act on their own: the queue's
 * features as its arguments and the current policy make them, the clock, a timer, a way to republish a dead-lettered
 * message, and a way to delete the queue when its lease ({@code x-expires}) runs out.
 */
public interface QueueServices {
    QueueFeatures features(QueueRecord q);

    long now();

    ScheduledExecutorService timer();

    /**
     * Routes the dead-lettered {@code m} from its exchange (the broker publishes: no permission checks), leaving out
     * the target queues it would cycle into; completes with true once every target has it safe, false when there was
     * no target or one failed. Targets take a message with the same {@code origin} once (a retry is not a copy).
     */
    CompletableFuture<Boolean> deadLetter(QueueRecord from, Message m, Origin origin);

    /** Deletes {@code q}, unused for longer than its expiry; completes when done (or refused). */
    CompletableFuture<Void> expire(QueueRecord q);

    /** Nothing acts by itself: no features, no dead-lettering, no expiry (tests of delivery alone). */
    QueueServices NONE = new QueueServices() {
        private final ScheduledExecutorService timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "queue-timer");
            t.setDaemon(true);
            return t;
        });

        @Override public QueueFeatures features(QueueRecord q) { return QueueFeatures.NONE; }

        @Override public long now() { return System.currentTimeMillis(); }

        @Override public ScheduledExecutorService timer() { return timer; }

        @Override public CompletableFuture<Boolean> deadLetter(QueueRecord from, Message m, Origin origin) { return CompletableFuture.completedFuture(false); }

        @Override public CompletableFuture<Void> expire(QueueRecord q) { return CompletableFuture.completedFuture(null); }
    };
}
