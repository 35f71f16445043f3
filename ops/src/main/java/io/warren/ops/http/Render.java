package io.warren.ops.http;

import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Admin;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.MessageProperties;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** Objects as RabbitMQ's API shows them (its key names), and message properties from the API's JSON. */
final class Render {
    private Render() { }

    /**
     * A queue with its policies ({@code v}: its vhost as this node has applied it), live figures and {@code messageStats}
     * (what the channels of every node did with its messages; null when none has yet).
     */
    static Map<String, Object> queue(Admin.QueueInfo i, io.warren.metadata.state.VhostState v, Map<String, Object> messageStats) {
        QueueRecord q = i.queue();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", q.name());
        m.put("vhost", q.vhost());
        m.put("type", q.type().wireName());
        m.put("durable", q.durable());
        m.put("auto_delete", q.autoDelete());
        m.put("exclusive", q.exclusive());
        m.put("arguments", q.arguments());
        m.put("node", i.leader().isEmpty() ? q.preferredLeader() : i.leader());
        m.put("leader", i.leader());
        m.put("members", q.hasGroup() ? q.members() : java.util.List.of(q.ownerNode()));
        m.put("online", i.online());
        m.put("group", q.groupId() == null ? "" : q.groupId());
        m.put("state", i.leader().isEmpty() ? "down" : "running");
        var policy = v == null ? null : v.policyFor(q.name());
        var operator = v == null ? null : v.operatorPolicyFor(q.name());
        m.put("policy", policy == null ? null : policy.name());
        m.put("operator_policy", operator == null ? null : operator.name());
        Map<String, Object> effective = new java.util.TreeMap<>();
        if (policy != null) effective.putAll(policy.definition());
        if (operator != null) effective.putAll(operator.definition());
        m.put("effective_policy_definition", effective);
        m.put("exclusive_consumer_tag", null);
        if (i.stats() != null) {
            m.put("consumers", i.stats().consumers());
            m.put("messages", i.stats().messages());
            m.put("messages_ready", i.stats().messagesReady());
            m.put("messages_unacknowledged", i.stats().messagesUnacked());
        }
        if (messageStats != null) { // the lengths' rates go beside the lengths, the counters under message_stats
            Map<String, Object> counters = new LinkedHashMap<>(messageStats);
            for (String k : NodeFigures.LENGTHS) {
                Object rate = counters.remove(k + "_details");
                if (rate != null && i.stats() != null) m.put(k + "_details", rate);
            }
            if (!counters.isEmpty()) m.put("message_stats", counters);
        }
        return m;
    }

    static Map<String, Object> exchange(ExchangeRecord x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", x.name());
        m.put("vhost", x.vhost());
        m.put("type", x.type().wireName());
        m.put("durable", x.durable());
        m.put("auto_delete", x.autoDelete());
        m.put("internal", x.internal());
        m.put("arguments", x.arguments());
        m.put("user_who_performed_action", "rmq-internal");
        return m;
    }

    static Map<String, Object> binding(BindingRecord b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", b.source());
        m.put("vhost", b.vhost());
        m.put("destination", b.destination());
        m.put("destination_type", b.toExchange() ? "exchange" : "queue");
        m.put("routing_key", b.routingKey());
        m.put("arguments", b.arguments());
        m.put("properties_key", propertiesKey(b));
        return m;
    }

    /** How a binding is named in paths: its routing key ("~" when empty), then "~" and a hash of its arguments if any. */
    static String propertiesKey(BindingRecord b) {
        String key = b.routingKey().isEmpty() ? "~" : URLEncoder.encode(b.routingKey(), StandardCharsets.UTF_8);
        if (b.arguments().isEmpty()) return key;
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Json.bytes(new java.util.TreeMap<>(b.arguments())));
            return (b.routingKey().isEmpty() ? "" : key) + "~" + Base64.getUrlEncoder().withoutPadding().encodeToString(d).substring(0, 22);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static MessageProperties properties(Map<String, Object> p) {
        try {
            Object headers = p.get("headers");
            return new MessageProperties(str(p, "content_type"), str(p, "content_encoding"),
                    headers instanceof Map<?, ?> h ? (Map<String, Object>) h : null, integer(p, "delivery_mode"), integer(p, "priority"),
                    str(p, "correlation_id"), str(p, "reply_to"), str(p, "expiration"), str(p, "message_id"),
                    p.get("timestamp") == null ? null : Long.valueOf(String.valueOf(p.get("timestamp"))), str(p, "type"),
                    str(p, "user_id"), str(p, "app_id"), str(p, "cluster_id"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid property: " + e.getMessage());
        }
    }

    static Map<String, Object> properties(MessageProperties p) {
        Map<String, Object> m = new LinkedHashMap<>();
        put(m, "content_type", p.contentType());
        put(m, "content_encoding", p.contentEncoding());
        put(m, "headers", p.headers());
        put(m, "delivery_mode", p.deliveryMode());
        put(m, "priority", p.priority());
        put(m, "correlation_id", p.correlationId());
        put(m, "reply_to", p.replyTo());
        put(m, "expiration", p.expiration());
        put(m, "message_id", p.messageId());
        put(m, "timestamp", p.timestamp());
        put(m, "type", p.type());
        put(m, "user_id", p.userId());
        put(m, "app_id", p.appId());
        put(m, "cluster_id", p.clusterId());
        return m;
    }

    /** A message from {@code /get}: a UTF-8 payload as a string unless {@code base64} is asked for; cut at {@code truncate} bytes. */
    static Map<String, Object> delivery(Delivery d, String encoding, int truncate) {
        byte[] body = d.message().body();
        byte[] shown = body.length > truncate ? java.util.Arrays.copyOf(body, truncate) : body;
        String text = encoding.equals("base64") ? null : utf8OrNull(shown);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("payload_bytes", body.length);
        m.put("redelivered", d.redelivered());
        m.put("exchange", d.message().exchange());
        m.put("routing_key", d.message().routingKey());
        m.put("message_count", d.messageCount());
        m.put("properties", properties(MessageProperties.decode(d.message().properties())));
        m.put("payload", text != null ? text : Base64.getEncoder().encodeToString(shown));
        m.put("payload_encoding", text != null ? "string" : "base64");
        return m;
    }

    private static String utf8OrNull(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void put(Map<String, Object> m, String k, Object v) { if (v != null) m.put(k, v); }

    private static String str(Map<String, Object> p, String k) { return p.get(k) == null ? null : String.valueOf(p.get(k)); }

    private static Integer integer(Map<String, Object> p, String k) { return p.get(k) == null ? null : Integer.valueOf(String.valueOf(p.get(k))); }
}
