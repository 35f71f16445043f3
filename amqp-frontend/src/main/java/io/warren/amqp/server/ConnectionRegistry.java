package io.warren.amqp.server;

import io.warren.metadata.port.Sessions;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The AMQP connections and channels open on a node: counted as they open and close, and listed ({@link Sessions})
 * by asking each open connection for its view on its own event loop.
 */
public final class ConnectionRegistry implements Sessions {
    /** What a connection tells a listing about itself, its channels and consumers. */
    public interface Listed {
        CompletableFuture<Snapshot> snapshot();
    }

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger channels = new AtomicInteger();
    private final Set<Listed> open = ConcurrentHashMap.newKeySet();

    public int connections() { return connections.get(); }

    public int channels() { return channels.get(); }

    public void connectionOpened() { connections.incrementAndGet(); }

    public void connectionClosed() { connections.decrementAndGet(); }

    public void channelsOpened(int n) { channels.addAndGet(n); }

    /** A connection completed its handshake: listings show it until {@link #unlisted}. */
    public void listed(Listed c) { open.add(c); }

    public void unlisted(Listed c) { open.remove(c); }

    @Override
    public CompletableFuture<Snapshot> snapshot() {
        List<CompletableFuture<Snapshot>> parts = new ArrayList<>();
        for (Listed c : open) parts.add(c.snapshot());
        return CompletableFuture.allOf(parts.toArray(CompletableFuture<?>[]::new))
                .thenApply(x -> Snapshot.merge(parts.stream().map(CompletableFuture::join).toList()));
    }
}
