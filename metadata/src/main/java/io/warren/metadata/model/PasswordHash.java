package io.warren.metadata.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/** Salted SHA-256 password hashes in RabbitMQ's layout: 4 bytes of salt, then sha256(salt ++ password). */
public final class PasswordHash {
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() { }

    public static byte[] hash(String password) {
        byte[] salt = new byte[4];
        RANDOM.nextBytes(salt);
        return withSalt(salt, password);
    }

    public static boolean check(byte[] stored, String password) {
        if (stored == null || stored.length < 5) return false;
        return MessageDigest.isEqual(stored, withSalt(Arrays.copyOf(stored, 4), password));
    }

    private static byte[] withSalt(byte[] salt, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
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
