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
 * raft_snapshot_threshold, message_cache_bytes, handshake_timeout (ms), consumer_timeout (ms), default_queue_type,
 * cluster_formation.nodes.N
 * (name@host:raft_port, one per node), cluster_secret, cluster_join (host:raft_port), raft_host,
 * loopback_users.USER = false (or loopback_users = none).
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
    /** Recent bodies kept in memory on queue leaders: 256 MB, or an eighth of the heap when that is less. */
    public long messageCacheBytes = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 8);
    public int handshakeTimeoutMs = 10_000;
    /** consumer_timeout: ms a delivery may stay unacknowledged (RabbitMQ's default, 30 minutes). */
    public long consumerTimeoutMs = 1_800_000;
    /** default_queue_type: what an untyped durable queue becomes — quorum (Warren's default) or classic (RabbitMQ 3.x). */
    public io.warren.metadata.model.QueueType defaultQueueType = io.warren.metadata.model.QueueType.QUORUM;
    /** Users allowed in from other hosts though their record says loopback only ({@code loopback_users.guest = false}). */
    public final java.util.Set<String> loopbackExempt = new java.util.TreeSet<>();
    /** Static cluster: node name → Raft address ({@code host:port}), this node included. Empty: one node. */
    public final java.util.Map<String, String> peers = new java.util.TreeMap<>();
    /** Shared by the nodes of one cluster (RabbitMQ's Erlang cookie); node-to-node calls without it are refused. */
    public String clusterSecret = "";
    /** Raft address of a running node to join at first start, or null. */
    public String joinAddress;
    /** The host other nodes reach this one's Raft port on; by default the host part of the node name. */
    public String raftHost;
    /** What a new cluster starts with (RabbitMQ's default_user, default_pass, ...): used at the first boot only. */
    public String defaultUser = "guest";
    public String defaultPass = "guest";
    public String defaultVhost = "/";
    public final java.util.Set<String> defaultUserTags = new java.util.TreeSet<>(java.util.Set.of("administrator"));
    public String defaultConfigure = ".*";
    public String defaultWrite = ".*";
    public String defaultRead = ".*";
    /** The management HTTP API (and UI); 0 picks a free port, -1 turns it off. */
    public int managementPort = 15672;
    public String managementBind = "0.0.0.0";
    /** The Prometheus endpoint (/metrics); 0 picks a free port, -1 turns it off. */
    public int prometheusPort = 15692;
    /** A definitions file (RabbitMQ's JSON) imported at every boot, merging as an import does ({@code load_definitions}). */
    public Path loadDefinitions;

    public io.warren.raft.RaftBroker.FirstBoot firstBoot() {
        return new io.warren.raft.RaftBroker.FirstBoot(defaultUser, defaultPass, defaultVhost, defaultUserTags, defaultConfigure,
                defaultWrite, defaultRead);
    }

    public String raftHost() {
        if (raftHost != null) return raftHost;
        int at = nodeName.indexOf('@');
        return at >= 0 ? nodeName.substring(at + 1) : "127.0.0.1";
    }

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
                case "consumer_timeout" -> consumerTimeoutMs = Long.parseLong(value);
                case "default_queue_type" -> defaultQueueType = switch (value) {
                    case "quorum" -> io.warren.metadata.model.QueueType.QUORUM;
                    case "classic" -> io.warren.metadata.model.QueueType.CLASSIC;
                    default -> throw new IllegalArgumentException("default_queue_type must be quorum or classic, not '" + value + "'");
                };
                case "cluster_secret" -> clusterSecret = value;
                case "cluster_join" -> joinAddress = value;
                case "raft_host" -> raftHost = value;
                case "default_user" -> defaultUser = value;
                case "default_pass" -> defaultPass = value;
                case "default_vhost" -> defaultVhost = value;
                case "default_permissions.configure" -> defaultConfigure = value;
                case "default_permissions.write" -> defaultWrite = value;
                case "default_permissions.read" -> defaultRead = value;
                case "management.tcp.port" -> managementPort = Integer.parseInt(value);
                case "management.tcp.ip" -> managementBind = value;
                case "prometheus.tcp.port" -> prometheusPort = Integer.parseInt(value);
                case "load_definitions", "management.load_definitions" -> loadDefinitions = Path.of(value);
                case "loopback_users" -> { // RabbitMQ's "loopback_users = none": no user is restricted to loopback
                    if (!value.equals("none")) throw new IllegalArgumentException("bad value '" + value + "' for setting '" + key + "' (expected none)");
                    loopbackExempt.add("*");
                }
                default -> {
                    if (key.startsWith("loopback_users.")) {
                        String user = key.substring("loopback_users.".length());
                        switch (value) {
                            case "false" -> loopbackExempt.add(user);
                            case "true" -> loopbackExempt.remove(user);
                            default -> throw new IllegalArgumentException("bad value '" + value + "' for setting '" + key + "' (expected true or false)");
                        }
                    } else if (key.startsWith("default_user_tags.")) {
                        String tag = key.substring("default_user_tags.".length());
                        switch (value) {
                            case "true" -> defaultUserTags.add(tag);
                            case "false" -> defaultUserTags.remove(tag);
                            default -> throw new IllegalArgumentException("bad value '" + value + "' for setting '" + key + "' (expected true or false)");
                        }
                    } else if (key.startsWith("cluster_formation.nodes.")) addPeer(value);
                    else throw new IllegalArgumentException("unknown setting '" + key + "'");
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad value '" + value + "' for setting '" + key + "'");
        }
    }

    /** A peer as {@code name@host:raftPort}, e.g. {@code warren-2@localhost:25673}. */
    public void addPeer(String spec) {
        int colon = spec.lastIndexOf(':');
        int at = spec.indexOf('@');
        if (colon < 0 || at < 0 || colon < at) {
            throw new IllegalArgumentException("bad cluster node '" + spec + "': expected name@host:raft_port");
        }
        String name = spec.substring(0, colon);
        String host = spec.substring(at + 1, colon);
        int port = Integer.parseInt(spec.substring(colon + 1));
        peers.put(name, host + ":" + port);
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
