package io.warren.metadata.port;

/** What basic.consume asked for. */
public record ConsumerSpec(String tag, boolean noAck, boolean exclusive, int priority, String channelId) { }
