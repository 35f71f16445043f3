package io.warren.metadata.port;

public record QueueStats(long messages, long messagesReady, long messagesUnacked, int consumers) { }
