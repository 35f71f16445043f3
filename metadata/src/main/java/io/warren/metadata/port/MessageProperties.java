package io.warren.metadata.port;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.codec.FieldTables;

import java.util.Map;

/**
 * A message's properties, typed: the 14 properties every AMQP 0-9-1 client knows. A {@link Message} keeps them as
 * bytes in the form AMQP's content header carries them (flags, then the fields present), so a message published
 * over AMQP is stored and delivered byte for byte; this record is decoded only where the broker must look inside
 * (headers for routing, user-id, reply-to; expiration and priority for queue features) and encoded where a front
 * end without that form (HTTP, a shovel) builds a message, or the broker changes a property.
 */
public record MessageProperties(String contentType, String contentEncoding, Map<String, Object> headers,
                              Integer deliveryMode, Integer priority, String correlationId, String replyTo,
                              String expiration, String messageId, Long timestamp, String type, String userId,
                              String appId, String clusterId) {
    public static final byte[] EMPTY = {0, 0};

    private static final int CONTENT_TYPE = 1 << 15, CONTENT_ENCODING = 1 << 14, HEADERS = 1 << 13,
            DELIVERY_MODE = 1 << 12, PRIORITY = 1 << 11, CORRELATION_ID = 1 << 10, REPLY_TO = 1 << 9,
            EXPIRATION = 1 << 8, MESSAGE_ID = 1 << 7, TIMESTAMP = 1 << 6, TYPE = 1 << 5, USER_ID = 1 << 4,
            APP_ID = 1 << 3, CLUSTER_ID = 1 << 2;

    /** Decodes property bytes; malformed input raises {@link BinaryReader.MalformedException}. */
    public static MessageProperties decode(byte[] raw) {
        BinaryReader r = new BinaryReader(raw);
        int flags = r.u16();
        int more = flags;
        while ((more & 1) != 0) more = r.u16(); // continuation words: none defined for basic, skipped
        return new MessageProperties(
                (flags & CONTENT_TYPE) != 0 ? r.shortStr() : null,
                (flags & CONTENT_ENCODING) != 0 ? r.shortStr() : null,
                (flags & HEADERS) != 0 ? FieldTables.readTable(r) : null,
                (flags & DELIVERY_MODE) != 0 ? r.u8() : null,
                (flags & PRIORITY) != 0 ? r.u8() : null,
                (flags & CORRELATION_ID) != 0 ? r.shortStr() : null,
                (flags & REPLY_TO) != 0 ? r.shortStr() : null,
                (flags & EXPIRATION) != 0 ? r.shortStr() : null,
                (flags & MESSAGE_ID) != 0 ? r.shortStr() : null,
                (flags & TIMESTAMP) != 0 ? r.i64() : null,
                (flags & TYPE) != 0 ? r.shortStr() : null,
                (flags & USER_ID) != 0 ? r.shortStr() : null,
                (flags & APP_ID) != 0 ? r.shortStr() : null,
                (flags & CLUSTER_ID) != 0 ? r.shortStr() : null);
    }

    /** True when the raw bytes carry a headers table (routing needs it only then). */
    public static boolean hasHeaders(byte[] raw) {
        return raw.length >= 2 && ((raw[0] & 0xff) << 8 & HEADERS) != 0;
    }

    /** True when the raw bytes carry a reply-to property. */
    public static boolean hasReplyTo(byte[] raw) {
        return raw.length >= 2 && ((raw[0] & 0xff) << 8 & REPLY_TO) != 0;
    }

    /** True when the raw bytes carry an expiration property (a per-message TTL). */
    public static boolean hasExpiration(byte[] raw) {
        return raw.length >= 2 && ((raw[0] & 0xff) << 8 & EXPIRATION) != 0;
    }

    /** True when the raw bytes carry a priority property. */
    public static boolean hasPriority(byte[] raw) {
        return raw.length >= 2 && ((raw[0] & 0xff) << 8 & PRIORITY) != 0;
    }

    /** True when the raw bytes carry a user-id property. */
    public static boolean hasUserId(byte[] raw) {
        return raw.length >= 2 && ((raw[1] & 0xff) & USER_ID) != 0;
    }

    public byte[] encode() {
        BinaryWriter w = new BinaryWriter(64);
        int flags = (contentType != null ? CONTENT_TYPE : 0) | (contentEncoding != null ? CONTENT_ENCODING : 0)
                | (headers != null ? HEADERS : 0) | (deliveryMode != null ? DELIVERY_MODE : 0)
                | (priority != null ? PRIORITY : 0) | (correlationId != null ? CORRELATION_ID : 0)
                | (replyTo != null ? REPLY_TO : 0) | (expiration != null ? EXPIRATION : 0)
                | (messageId != null ? MESSAGE_ID : 0) | (timestamp != null ? TIMESTAMP : 0) | (type != null ? TYPE : 0)
                | (userId != null ? USER_ID : 0) | (appId != null ? APP_ID : 0) | (clusterId != null ? CLUSTER_ID : 0);
        w.u16(flags);
        if (contentType != null) w.shortStr(contentType);
        if (contentEncoding != null) w.shortStr(contentEncoding);
        if (headers != null) FieldTables.writeTable(w, headers);
        if (deliveryMode != null) w.u8(deliveryMode);
        if (priority != null) w.u8(priority);
        if (correlationId != null) w.shortStr(correlationId);
        if (replyTo != null) w.shortStr(replyTo);
        if (expiration != null) w.shortStr(expiration);
        if (messageId != null) w.shortStr(messageId);
        if (timestamp != null) w.i64(timestamp);
        if (type != null) w.shortStr(type);
        if (userId != null) w.shortStr(userId);
        if (appId != null) w.shortStr(appId);
        if (clusterId != null) w.shortStr(clusterId);
        return w.toByteArray();
    }

    public MessageProperties withHeaders(Map<String, Object> h) {
        return new MessageProperties(contentType, contentEncoding, h, deliveryMode, priority, correlationId, replyTo,
                expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public MessageProperties withReplyTo(String r) {
        return new MessageProperties(contentType, contentEncoding, headers, deliveryMode, priority, correlationId, r,
                expiration, messageId, timestamp, type, userId, appId, clusterId);
    }
}
