package io.warren.metadata.port;

import io.warren.metadata.model.QueueRecord;

/** A message handed to a consumer (or to basic.get): {@code offset} identifies it within its queue. */
public record Delivery(QueueRecord queue, long offset, boolean redelivered, Message message, long messageCount) { }
