package io.warren.metadata.model;

import java.util.Set;

/**
 * A user: the password is kept as a salted SHA-256 hash (RabbitMQ's rabbit_password_hashing_sha256 scheme:
 * 4 bytes of salt followed by sha256(salt ++ password)).
 */
public record UserRecord(String name, byte[] passwordHash, Set<String> tags, boolean loopbackOnly) {
    public UserRecord {
        tags = Set.copyOf(tags);
    }
}
