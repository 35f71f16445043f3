package io.warren.metadata.port;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The client connections a node's front ends hold, with their channels and consumers, as listings show them
 * (list_connections, list_channels, list_consumers, the HTTP API). A front end answers with a consistent view of
 * each connection taken where that connection lives; the figures are a moment old by the time they are read.
 */
public interface Sessions {
    /** An open client connection (one that completed its handshake). */
    record ConnectionInfo(String id, String node, String protocol, String user, String vhost, String peerHost, int peerPort,
                          long connectedAtMs, int channels, Map<String, Object> clientProperties) { }

    /** A channel: its mode ("C" confirms, "T" transactional, "" neither), its consumers, and what is in flight on it. */
    record ChannelInfo(String connectionId, int number, String user, String vhost, String mode, int prefetch, int consumers,
                       int unacked, int unconfirmed) { }

    record ConsumerInfo(String connectionId, int channel, String vhost, String queue, String tag, boolean ackRequired,
                        boolean exclusive, int prefetch) { }

    record Snapshot(List<ConnectionInfo> connections, List<ChannelInfo> channels, List<ConsumerInfo> consumers) {
        public static final Snapshot EMPTY = new Snapshot(List.of(), List.of(), List.of());

        /** The parts (of several connections or nodes) as one snapshot. */
        public static Snapshot merge(List<Snapshot> parts) {
            List<ConnectionInfo> cs = new java.util.ArrayList<>();
            List<ChannelInfo> chs = new java.util.ArrayList<>();
            List<ConsumerInfo> consumers = new java.util.ArrayList<>();
            for (Snapshot p : parts) {
                cs.addAll(p.connections());
                chs.addAll(p.channels());
                consumers.addAll(p.consumers());
            }
            return new Snapshot(cs, chs, consumers);
        }
    }

    CompletableFuture<Snapshot> snapshot();

    /** How many client connections are open, by vhost and by user, and how many channels each user has open. */
    record Counts(Map<String, Integer> byVhost, Map<String, Integer> byUser, Map<String, Integer> channelsByUser) {
        public static final Counts NONE = new Counts(Map.of(), Map.of(), Map.of());

        public Counts {
            byVhost = Map.copyOf(byVhost);
            byUser = Map.copyOf(byUser);
            channelsByUser = Map.copyOf(channelsByUser);
        }

        public int channels(String u) { return channelsByUser.getOrDefault(u, 0); }

        public int vhost(String v) { return byVhost.getOrDefault(v, 0); }

        public int user(String u) { return byUser.getOrDefault(u, 0); }

        /** The parts added up. */
        public static Counts sum(List<Counts> parts) {
            Map<String, Integer> v = new java.util.HashMap<>();
            Map<String, Integer> u = new java.util.HashMap<>();
            Map<String, Integer> ch = new java.util.HashMap<>();
            for (Counts c : parts) {
                c.byVhost().forEach((k, n) -> v.merge(k, n, Integer::sum));
                c.byUser().forEach((k, n) -> u.merge(k, n, Integer::sum));
                c.channelsByUser().forEach((k, n) -> ch.merge(k, n, Integer::sum));
            }
            return new Counts(v, u, ch);
        }
    }

    /** The connections counted against the connection limits here. */
    default Counts counts() { return Counts.NONE; }

    /** Closes one of these connections (AMQP: 320 CONNECTION_FORCED with {@code reason}); false when none has the id. */
    default boolean close(String connectionId, String reason) { return false; }

    /** A node without client front ends. */
    Sessions NONE = () -> CompletableFuture.completedFuture(Snapshot.EMPTY);
}
