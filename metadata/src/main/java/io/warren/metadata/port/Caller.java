package io.warren.metadata.port;

/**
 * Who asks the broker services for something, whatever the protocol: the authenticated user, the vhost the request is
 * in, and — for a client connection — the connection's cluster-unique id (which owns its exclusive queues; null for
 * callers without a connection, such as the HTTP API, which may not touch exclusive queues of anyone).
 */
public record Caller(String user, String vhost, String connectionId) {
    public Caller {
        if (user == null || vhost == null) throw new IllegalArgumentException("a caller has a user and a vhost");
    }

    /** No client can authenticate as this name (SASL PLAIN cannot carry a NUL). */
    private static final String BROKER = "\0broker";

    /** The broker itself republishing a message (dead-lettering): no permission, internal-exchange or user-id checks. */
    public static Caller broker(String vhost) { return new Caller(BROKER, vhost, null); }

    public boolean isBroker() { return BROKER.equals(user); }
}
