package io.warren.metadata.port;

import io.warren.metadata.model.QueueRecord;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishing, for every front end (AMQP channels, the HTTP API, shovels, dead-lettering): a message is first
 * {@linkplain #route routed} — the exchange looked up (once again after catching up with the metadata group when this
 * replica does not know it yet), the caller's write permission, internal exchanges, the user-id property, CC/BCC,
 * exchange-to-exchange bindings and alternate exchanges — to the queues it goes to; then {@linkplain #deliver
 * delivered} to each of them. The outcome completes once every target queue has the message safe (for a quorum or
 * durable classic queue: committed on a majority of its group) or has failed; it never completes exceptionally.
 * The two steps are apart so that a transaction routes at publish time and delivers at commit, as RabbitMQ does.
 */
public interface Publisher {
    /**
     * A message resolved to the queues it goes to (none: unroutable), with what the broker changed in it (BCC
     * removed); {@code origin}: where the broker republishes it from (a dead-letter), so each target takes it once
     * however often it is retried; null for what clients publish.
     */
    record Routed(Message message, List<QueueRecord> queues, Origin origin) {
        public Routed(Message message, List<QueueRecord> queues) { this(message, queues, null); }

        public boolean unroutable() { return queues.isEmpty(); }
    }

    /** What became of a delivered message: of {@code queues} targets, how many failed to take it, and the first failure. */
    record Outcome(int queues, int failed, Throwable firstFailure) {
        public boolean safe() { return failed == 0; }
    }

    /** Sees each queue's enqueue as it is started (a channel keeps its own order with it). */
    interface Tracker {
        CompletableFuture<Void> track(QueueRecord queue, CompletableFuture<Void> enqueued);

        Tracker NONE = (q, f) -> f;
    }

    /**
     * Routes {@code message} (published to its exchange with its routing key). Refusals complete exceptionally with a
     * {@link io.warren.metadata.model.DomainException}: NOT_FOUND (no such exchange), ACCESS_REFUSED (no write
     * permission, internal exchange), PRECONDITION_FAILED (user-id of another user, a CC/BCC that is not an array),
     * MALFORMED_INPUT (properties that cannot be decoded).
     */
    CompletableFuture<Routed> route(Caller caller, Message message);

    /** Enqueues on every target queue; completes once each has it safe or failed (never exceptionally). */
    CompletableFuture<Outcome> deliver(Routed routed, Tracker tracker);

    /** Routes and delivers; an unroutable message's outcome has zero queues. */
    default CompletableFuture<Outcome> publish(Caller caller, Message message) {
        return route(caller, message).thenCompose(r -> deliver(r, Tracker.NONE));
    }
}
