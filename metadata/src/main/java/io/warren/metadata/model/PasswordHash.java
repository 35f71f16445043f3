package io.warren.metadata.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Salted password hashes in RabbitMQ's layout: 4 bytes of salt, then digest(salt ++ password), shown base64-encoded
 * (definitions' {@code password_hash}). New hashes use SHA-256; SHA-512 and MD5 ones (imported users) are checked too.
 */
public final class PasswordHash {
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() { }

    public static byte[] hash(String password) { return hash(password, HashingAlgorithm.SHA256); }

    public static byte[] hash(String password, HashingAlgorithm algorithm) {
        byte[] salt = new byte[4];
        RANDOM.nextBytes(salt);
        return withSalt(salt, password, algorithm);
    }

    public static boolean check(byte[] stored, String password) { return check(stored, password, HashingAlgorithm.SHA256); }

    /** Whether {@code password} is the one {@code stored} was made from; an empty hash (no password) matches nothing. */
    public static boolean check(byte[] stored, String password, HashingAlgorithm algorithm) {
        if (stored == null || stored.length < 5 || password == null) return false;
        return MessageDigest.isEqual(stored, withSalt(Arrays.copyOf(stored, 4), password, algorithm));
    }

    public static String toBase64(byte[] hash) { return hash == null ? "" : Base64.getEncoder().encodeToString(hash); }

    /** A hash as definitions and {@code hash_password} show it; a malformed one is an INVALID_ARGUMENT. */
    public static byte[] fromBase64(String s) {
        if (s == null || s.isEmpty()) return new byte[0];
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw DomainException.invalid("password_hash is not base64: " + e.getMessage());
        }
    }

    private static byte[] withSalt(byte[] salt, String password, HashingAlgorithm algorithm) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm.digestName());
            md.update(salt);
            md.update(password.getBytes(StandardCharsets.UTF_8));
            byte[] d = md.digest();
            byte[] out = new byte[4 + d.length];
            System.arraycopy(salt, 0, out, 0, 4);
            System.arraycopy(d, 0, out, 4, d.length);
            return out;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
