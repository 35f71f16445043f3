package io.warren.ops;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A node's settings: defaults, then a config file in RabbitMQ's {@code key = value} style, then flags.
 * Keys: node_name, data_dir, listeners.tcp.default (AMQP port), amqp_bind, raft_port, heartbeat,
 * frame_max, channel_max, max_message_size, disk_free_limit.absolute, vm_memory_high_watermark.relative,
 * raft_snapshot_threshold, message_cache_bytes, handshake_timeout (ms).
 */
public final class NodeConfig {
    public String nodeName = "warren@" + hostName();
    public Path dataDir = Path.of("data");
    public String amqpBind = "0.0.0.0";
    public int amqpPort = 5672;
    public int raftPort = 25672;
    public int heartbeatSeconds = 60;
    public int frameMax = 131072;
    public int channelMax = 2047;
    public long maxMessageSize = 128L << 20;
    public long diskFreeLimit = 50L << 20;
    public double memoryHighWatermark = 0.4;
    public long snapshotThreshold = 10_000;
    public long messageCacheBytes = 256L << 20;
    public int handshakeTimeoutMs = 10_000;

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    public void load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        for (String key : p.stringPropertyNames()) set(key.trim(), p.getProperty(key).trim());
    }

    /** Applies one setting; an unknown key or a bad value is an error naming both. */
    public void set(String key, String value) {
        try {
            switch (key) {
                case "node_name" -> nodeName = value;
                case "data_dir" -> dataDir = Path.of(value);
                case "amqp_bind" -> amqpBind = value;
                case "listeners.tcp.default" -> amqpPort = Integer.parseInt(value);
                case "raft_port" -> raftPort = Integer.parseInt(value);
                case "heartbeat" -> heartbeatSeconds = Integer.parseInt(value);
                case "frame_max" -> frameMax = Integer.parseInt(value);
                case "channel_max" -> channelMax = Integer.parseInt(value);
                case "max_message_size" -> maxMessageSize = Long.parseLong(value);
                case "disk_free_limit.absolute" -> diskFreeLimit = parseBytes(value);
                case "vm_memory_high_watermark.relative" -> memoryHighWatermark = Double.parseDouble(value);
                case "raft_snapshot_threshold" -> snapshotThreshold = Long.parseLong(value);
                case "message_cache_bytes" -> messageCacheBytes = parseBytes(value);
                case "handshake_timeout" -> handshakeTimeoutMs = Integer.parseInt(value);
                default -> throw new IllegalArgumentException("unknown setting '" + key + "'");
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad value '" + value + "' for setting '" + key + "'");
        }
    }

    /** "50MB", "1GB", "4096" (RabbitMQ accepts these unit suffixes). */
    static long parseBytes(String v) {
        String s = v.toUpperCase().replace("IB", "B").trim();
        long mult = 1;
        if (s.endsWith("KB")) { mult = 1L << 10; s = s.substring(0, s.length() - 2); }
        else if (s.endsWith("MB")) { mult = 1L << 20; s = s.substring(0, s.length() - 2); }
        else if (s.endsWith("GB")) { mult = 1L << 30; s = s.substring(0, s.length() - 2); }
        else if (s.endsWith("B")) { s = s.substring(0, s.length() - 1); }
        return Long.parseLong(s.trim()) * mult;
    }
}
