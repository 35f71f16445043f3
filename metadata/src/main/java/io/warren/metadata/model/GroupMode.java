package io.warren.metadata.model;

/**
 * Whether a quorum queue gets a Raft group of its own or joins a group that hosts many queues: the argument
 * {@value #ARGUMENT} or the policy key {@value #POLICY_KEY}; absent, placement decides by the per-node budget.
 */
public enum GroupMode {
    DEDICATED, SHARED;

    public static final String ARGUMENT = "x-queue-group";
    public static final String POLICY_KEY = "queue-group";

    /** The mode a value names ({@code dedicated} or {@code shared}), or null for any other value. */
    public static GroupMode of(Object value) {
        if (value == null) return null;
        return switch (value.toString()) {
            case "dedicated" -> DEDICATED;
            case "shared" -> SHARED;
            default -> null;
        };
    }
}
