package io.warren.metadata.model;

import java.util.Set;

/**
 * A user: its password as a salted hash in RabbitMQ's layout (see {@link PasswordHash}; an empty hash: no password, so
 * no password login), made with {@code algorithm}; its tags (administrator, monitoring, policymaker, management, or
 * any other word); {@code loopbackOnly}: it may log in from this host only (RabbitMQ's loopback_users).
 */
public record UserRecord(String name, byte[] passwordHash, Set<String> tags, boolean loopbackOnly, HashingAlgorithm algorithm) {
    public UserRecord {
        tags = Set.copyOf(tags);
        if (passwordHash == null) passwordHash = new byte[0];
        if (algorithm == null) algorithm = HashingAlgorithm.SHA256;
    }

    public UserRecord(String name, byte[] passwordHash, Set<String> tags, boolean loopbackOnly) {
        this(name, passwordHash, tags, loopbackOnly, HashingAlgorithm.SHA256);
    }

    public boolean checkPassword(String password) { return PasswordHash.check(passwordHash, password, algorithm); }

    public boolean hasTag(String tag) { return tags.contains(tag); }

    /** Not the password hash: records show up in logs and error messages. */
    @Override public String toString() { return "UserRecord[" + name + ", tags=" + tags + "]"; }
}
