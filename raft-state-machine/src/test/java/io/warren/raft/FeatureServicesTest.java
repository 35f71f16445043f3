package io.warren.raft;

import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.port.Caller;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;
import io.warren.metadata.port.Publisher;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureServicesTest {
    static final QueueRecord SOURCE = new QueueRecord("/", "src", 7, QueueType.QUORUM, true, false, false, Map.of(), "g-1", "n1", null, List.of("n1"));
    static final QueueRecord TARGET = new QueueRecord("/", "dlq", 8, QueueType.QUORUM, true, false, false, Map.of(), "g-2", "n1", null, List.of("n1"));

    /** A publisher whose first route waits (as a route does while this replica catches up with the metadata group). */
    static class SlowFirstRoute implements Publisher {
        final List<String> delivered = new ArrayList<>();
        final List<Origin> origins = new ArrayList<>();
        int routes;

        @Override public synchronized CompletableFuture<Routed> route(Caller caller, Message m) {
            Routed r = new Routed(m, List.of(TARGET));
            if (routes++ > 0) return CompletableFuture.completedFuture(r);
            return CompletableFuture.supplyAsync(() -> r, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS));
        }

        @Override public synchronized CompletableFuture<Outcome> deliver(Routed r, Tracker t) {
            delivered.add(new String(r.message().body()));
            origins.add(r.origin());
            return CompletableFuture.completedFuture(new Outcome(1, 0, null));
        }
    }

    @Test
    void aQueuesDeadLettersAreDeliveredInTheOrderTheyWereAskedFor() throws Exception {
        SlowFirstRoute p = new SlowFirstRoute();
        try (FeatureServices s = new FeatureServices(null, () -> p)) {
            List<CompletableFuture<Boolean>> outcomes = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                outcomes.add(s.deadLetter(SOURCE, Message.of("dlx", "k", null, ("m" + i).getBytes()), new Origin(SOURCE.id(), 10 + i, 10)));
            }
            for (CompletableFuture<Boolean> o : outcomes) assertTrue(o.get(5, TimeUnit.SECONDS));
            synchronized (p) {
                assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), p.delivered);
                assertEquals(new Origin(SOURCE.id(), 12, 10), p.origins.get(2), "each is delivered with its origin (targets take it once)");
            }
        }
    }

    @Test
    void aFailedRouteIsAFailedDeadLetterAndDoesNotStopTheNext() throws Exception {
        Publisher failing = new SlowFirstRoute() {
            @Override public synchronized CompletableFuture<Routed> route(Caller caller, Message m) {
                if (routes++ == 0) return CompletableFuture.failedFuture(new IllegalStateException("no exchange"));
                return CompletableFuture.completedFuture(new Routed(m, List.of(TARGET)));
            }
        };
        try (FeatureServices s = new FeatureServices(null, () -> failing)) {
            CompletableFuture<Boolean> first = s.deadLetter(SOURCE, Message.of("dlx", "k", null, "a".getBytes()), new Origin(SOURCE.id(), 0, 0));
            CompletableFuture<Boolean> second = s.deadLetter(SOURCE, Message.of("dlx", "k", null, "b".getBytes()), new Origin(SOURCE.id(), 1, 0));
            assertEquals(false, first.get(5, TimeUnit.SECONDS));
            assertEquals(true, second.get(5, TimeUnit.SECONDS));
        }
    }
}
