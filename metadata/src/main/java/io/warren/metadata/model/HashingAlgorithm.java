package io.warren.metadata.model;

import io.warren.metadata.codec.StableCode;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a user's password hash was made, with RabbitMQ's names for it (definitions carry them as
 * {@code hashing_algorithm}). Warren writes SHA-256; SHA-512 and MD5 hashes come with imported users and are checked.
 */
public enum HashingAlgorithm implements StableCode {
    SHA256(1, "rabbit_password_hashing_sha256", "SHA-256"),
    SHA512(2, "rabbit_password_hashing_sha512", "SHA-512"),
    MD5(3, "rabbit_password_hashing_md5", "MD5");

    private final int code;
    private final String rabbitName;
    private final String digest;
    private static final HashingAlgorithm[] BY_CODE = StableCode.byCode(values());

    HashingAlgorithm(int code, String rabbitName, String digest) {
        this.code = code;
        this.rabbitName = rabbitName;
        this.digest = digest;
    }

    @Override public int code() { return code; }

    public String rabbitName() { return rabbitName; }

    String digestName() { return digest; }

    public static HashingAlgorithm ofCode(int code) { return StableCode.of(BY_CODE, code); }

    /** By RabbitMQ's module name; an unknown one is empty. */
    public static Optional<HashingAlgorithm> ofRabbitName(String name) {
        return Arrays.stream(values()).filter(a -> a.rabbitName.equals(name)).findFirst();
    }
}
