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

        String id();

        /** Closes the connection with 320 CONNECTION_FORCED and {@code reason} (on its own event loop). */
        void forceClose(String reason);
    }

    private final io.warren.amqp.channel.MessageCounters messages = new io.warren.amqp.channel.MessageCounters();

    /** What this node's channels did with messages (RabbitMQ's global counters). */
    public io.warren.amqp.channel.MessageCounters messages() { return messages; }

    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger channels = new AtomicInteger();
    private final Set<Listed> open = ConcurrentHashMap.newKeySet();

    public int connections() { return connections.get(); }

    public int channels() { return channels.get(); }

    public void connectionOpened() {
        connections.incrementAndGet();
        messages.churn.connectionsOpened.increment();
    }

    public void connectionClosed() {
        connections.decrementAndGet();
        messages.churn.connectionsClosed.increment();
    }

    /** {@code n} channels opened (negative: closed). */
    public void channelsOpened(int n) {
        channels.addAndGet(n);
        (n > 0 ? messages.churn.channelsOpened : messages.churn.channelsClosed).add(Math.abs(n));
    }

    /** A connection completed its handshake: listings show it until {@link #unlisted}. */
    public void listed(Listed c) { open.add(c); }

    public void unlisted(Listed c) { open.remove(c); }

    // ---- limits: what this node holds per vhost and per user ----

    private final java.util.Map<String, Integer> byVhost = new java.util.HashMap<>();
    private final java.util.Map<String, Integer> byUser = new java.util.HashMap<>();
    private final java.util.Map<String, Integer> channelsByUser = new java.util.HashMap<>();

    /**
     * Counts a connection into {@code vhost} by {@code user} unless that would pass the vhost's or the user's
     * max-connections ({@code < 0}: no limit): null when admitted, else RabbitMQ's refusal text. What this node holds
     * is counted with what the other nodes hold ({@code elsewhere}).
     */
    public synchronized String admit(String vhost, String user, long vhostMax, long userMax, Counts elsewhere) {
        int v = byVhost.getOrDefault(vhost, 0) + elsewhere.vhost(vhost);
        int u = byUser.getOrDefault(user, 0) + elsewhere.user(user);
        if (vhostMax >= 0 && v >= vhostMax) {
            return "access to vhost '" + vhost + "' refused for user '" + user + "': connection limit (" + vhostMax + ") is reached";
        }
        if (userMax >= 0 && u >= userMax) {
            return "Connection refused for user '" + user + "': user connection limit (" + userMax + ") is reached";
        }
        byVhost.merge(vhost, 1, Integer::sum);
        byUser.merge(user, 1, Integer::sum);
        return null;
    }

    @Override public synchronized Counts counts() { return new Counts(byVhost, byUser, channelsByUser); }

    /** An admitted connection closed. */
    public synchronized void release(String vhost, String user) {
        byVhost.computeIfPresent(vhost, (k, n) -> n > 1 ? n - 1 : null);
        byUser.computeIfPresent(user, (k, n) -> n > 1 ? n - 1 : null);
    }

    /**
     * Counts a channel of {@code user} unless that passes its max-channels, with the channels the other nodes hold
     * ({@code elsewhere}): null when admitted, else the refusal.
     */
    public synchronized String admitChannel(String user, long max, Counts elsewhere) {
        int n = channelsByUser.getOrDefault(user, 0) + elsewhere.channels(user);
        if (max >= 0 && n >= max) {
            return "number of channels opened for user '" + user + "' has reached the maximum allowed user limit of (" + max + ")";
        }
        channelsByUser.merge(user, 1, Integer::sum);
        return null;
    }

    public synchronized void releaseChannels(String user, int n) {
        channelsByUser.computeIfPresent(user, (k, c) -> c > n ? c - n : null);
    }

    /** Closes this node's connection {@code connectionId} with 320 and the reason; false when it has none of that id. */
    @Override
    public boolean close(String connectionId, String reason) {
        for (Listed c : open) {
            if (c.id().equals(connectionId)) {
                c.forceClose(reason);
                return true;
            }
        }
        return false;
    }

    @Override
    public CompletableFuture<Snapshot> snapshot() {
        List<CompletableFuture<Snapshot>> parts = new ArrayList<>();
        for (Listed c : open) parts.add(c.snapshot());
        return CompletableFuture.allOf(parts.toArray(CompletableFuture<?>[]::new))
                .thenApply(x -> Snapshot.merge(parts.stream().map(CompletableFuture::join).toList()));
    }
}
