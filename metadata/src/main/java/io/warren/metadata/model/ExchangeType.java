package io.warren.metadata.model;

import java.util.Optional;

public enum ExchangeType {
    DIRECT("direct"), FANOUT("fanout"), TOPIC("topic"), HEADERS("headers");

    private final String wireName;

    ExchangeType(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }

    public static Optional<ExchangeType> parse(String s) {
        for (ExchangeType t : values()) if (t.wireName.equals(s)) return Optional.of(t);
        return Optional.empty();
    }
}
