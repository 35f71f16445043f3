package io.warren.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * rabbitmq-diagnostics' health checks (exit 0 when they pass, 69 when not; {@code --formatter json} prints
 * {@code {"result":"ok"}}; {@code -s} prints nothing) and rabbitmq-plugins, whose plugins are built into Warren.
 */
final class HealthVerbs {
    private HealthVerbs() { }

    /** Plugins a RabbitMQ set-up enables that Warren has built in (enabling them succeeds and changes nothing). */
    static final List<String> BUILT_IN = List.of("rabbitmq_management", "rabbitmq_management_agent", "rabbitmq_prometheus",
            "rabbitmq_shovel", "rabbitmq_shovel_management", "rabbitmq_federation", "rabbitmq_federation_management", "rabbitmq_web_dispatch");

    abstract static class Check implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Option(names = {"-s", "--silent"}) boolean silent;

        /** Runs the check: null when it passes, else what failed. */
        abstract String failure() throws Exception;

        abstract String passed();

        @Override public Integer call() throws Exception {
            String failed;
            try {
                failed = failure();
            } catch (Ctl.Failure f) {
                failed = f.getMessage();
            }
            if (silent) return failed == null ? 0 : 69;
            if (ctl.formatter.equals("json")) {
                System.out.println(new ObjectMapper().writeValueAsString(failed == null ? Map.of("result", "ok")
                        : Map.of("result", "error", "message", failed)));
            } else {
                System.out.println(failed == null ? passed() : failed);
            }
            return failed == null ? 0 : 69;
        }

        @SuppressWarnings("unchecked")
        String healthCheck(String... path) throws Exception {
            String[] full = new String[path.length + 2];
            full[0] = "health";
            full[1] = "checks";
            System.arraycopy(path, 0, full, 2, path.length);
            Map<String, Object> r = (Map<String, Object>) ctl.api("GET", null, full);
            return "ok".equals(r.get("status")) ? null : String.valueOf(r.get("reason"));
        }
    }

    @Command(name = "ping", description = "checks that the node answers")
    static final class Ping extends Check {
        @Override String failure() throws Exception {
            ctl.api("GET", null, "overview");
            return null;
        }

        @Override String passed() { return "Ping succeeded"; }
    }

    @Command(name = "check_running", description = "checks that the node runs its broker")
    static final class CheckRunning extends Check {
        @Override String failure() throws Exception {
            ctl.api("GET", null, "overview");
            return null;
        }

        @Override String passed() { return "Warren on node " + ctl.node + " is fully booted and running"; }
    }

    @Command(name = "check_local_alarms", description = "fails when this node has a memory or disk alarm")
    static final class CheckLocalAlarms extends Check {
        @Override String failure() throws Exception { return healthCheck("local-alarms"); }

        @Override String passed() { return "Node " + ctl.node + " reported no local alarms"; }
    }

    @Command(name = "check_alarms", description = "fails when a node of the cluster has a memory or disk alarm")
    static final class CheckAlarms extends Check {
        @Override String failure() throws Exception { return healthCheck("alarms"); }

        @Override String passed() { return "Node " + ctl.node + " reported no alarms, local or clusterwide"; }
    }

    @Command(name = "check_virtual_hosts", description = "fails when a vhost is down on this node")
    static final class CheckVirtualHosts extends Check {
        @Override String failure() throws Exception { return healthCheck("virtual-hosts"); }

        @Override String passed() { return "Node " + ctl.node + " reported all vhosts as running"; }
    }

    @Command(name = "check_if_node_is_quorum_critical", description = "fails when a quorum queue would lose its majority if this node stopped")
    static final class CheckIfNodeIsQuorumCritical extends Check {
        @Override String failure() throws Exception { return healthCheck("node-is-quorum-critical"); }

        @Override String passed() { return "Node " + ctl.node + " reported no quorum queues that would lose their majority if it stopped"; }
    }

    @Command(name = "check_port_listener", description = "fails when nothing listens on the port")
    static final class CheckPortListener extends Check {
        @Parameters(index = "0") String port;

        @Override String failure() throws Exception { return healthCheck("port-listener", port); }

        @Override String passed() { return "A listener for port " + port + " is running on node " + ctl.node + "."; }
    }

    @Command(name = "check_port_connectivity", description = "connects to the node's AMQP listener")
    static final class CheckPortConnectivity extends Check {
        @SuppressWarnings("unchecked")
        @Override String failure() throws Exception {
            Map<String, Object> o = (Map<String, Object>) ctl.api("GET", null, "overview");
            String host = ctl.address().substring(0, ctl.address().lastIndexOf(':'));
            for (Object l : (List<Object>) o.getOrDefault("listeners", List.of())) {
                if (!o.get("node").equals(((Map<String, Object>) l).get("node"))) continue; // the asked node's own
                int port = ((Number) ((Map<String, Object>) l).get("port")).intValue();
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(new java.net.InetSocketAddress(host, port), 5_000);
                } catch (java.io.IOException e) {
                    return "Connection to port " + port + " on " + host + " failed: " + e.getMessage();
                }
            }
            return null;
        }

        @Override String passed() { return "Successfully connected to ports of all listeners on node " + ctl.node + "."; }
    }

    @Command(name = "plugins", description = "rabbitmq-plugins: enable, disable, list, is_enabled (the plugins are built in)")
    static final class Plugins implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0") String action;
        @Parameters(index = "1..*", arity = "0..*") List<String> names = List.of();
        @Option(names = {"--offline", "--online", "--all"}) boolean ignored;

        @Override public Integer call() {
            List<String> unknown = names.stream().filter(n -> !BUILT_IN.contains(n)).toList();
            switch (action) {
                case "enable", "is_enabled" -> {
                    if (!unknown.isEmpty()) throw new Ctl.Failure(65, "Plugin(s) not available in Warren: " + String.join(", ", unknown));
                    if (action.equals("enable")) ctl.banner("Plugins are built into Warren and always on: " + String.join(", ", names));
                    return 0;
                }
                case "disable" -> {
                    ctl.banner("Plugins are built into Warren and cannot be disabled; nothing changed");
                    return 0;
                }
                case "list" -> {
                    ctl.banner("Listing plugins ...");
                    for (String p : BUILT_IN) System.out.println("[E*] " + p);
                    return 0;
                }
                default -> throw new Ctl.Failure(64, "unknown rabbitmq-plugins command '" + action + "' (enable, disable, list, is_enabled)");
            }
        }
    }

    @Command(name = "enable_feature_flag", description = "feature flags: Warren has none to turn on, so 'all' succeeds")
    static final class EnableFeatureFlag implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0") String name;
        @Option(names = "--opt-in") boolean optIn;

        @Override public Integer call() {
            if (!name.equals("all")) throw new Ctl.Failure(69, "unknown feature flag '" + name + "' (Warren has none to enable)");
            ctl.banner("Enabling all feature flags ...");
            return 0;
        }
    }

    @Command(name = "change_cluster_node_type", description = "disc is what every Warren node is; ram nodes do not exist")
    static final class ChangeClusterNodeType implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0") String type;

        @Override public Integer call() {
            if (type.equals("disc") || type.equals("disk")) {
                ctl.banner("Every Warren node keeps its data on disk: nothing to change");
                return 0;
            }
            throw new Ctl.Failure(64, "Warren has no RAM nodes: every node keeps its Raft log and RocksDB store on disk");
        }
    }

    @Command(name = "sync_queue", description = "mirrored-queue synchronisation: Raft followers catch up from the log by themselves")
    static final class SyncQueue implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;
        @Parameters(index = "0") String queue;

        @Override public Integer call() {
            ctl.banner("Queue '" + queue + "' is Raft-replicated; followers catch up from the log or a snapshot by themselves");
            return 0;
        }
    }

    @Command(name = "cancel_sync_queue", description = "mirrored-queue synchronisation: nothing to cancel with Raft")
    static final class CancelSyncQueue implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;
        @Parameters(index = "0") String queue;

        @Override public Integer call() {
            ctl.banner("Queue '" + queue + "' is Raft-replicated; there is no synchronisation to cancel");
            return 0;
        }
    }

    @Command(name = "close_connection", description = "closes a client connection (its pid from list_connections) with 320 and the explanation")
    static final class CloseConnection implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0") String connection;
        @Parameters(index = "1") String explanation;

        @Override public Integer call() throws Exception {
            ctl.banner("Closing connection " + connection + ", reason: " + explanation + "...");
            ctl.api("DELETE", 65, null, Map.of("reason", explanation), "connections", connection);
            return 0;
        }
    }

    @Command(name = "close_all_connections", description = "closes every client connection (of a vhost with -p) with 320 and the explanation")
    static final class CloseAllConnections implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Option(names = {"-p", "--vhost"}) String vhost;
        @Option(names = "--global", description = "every vhost (the default without -p)") boolean global;
        @Parameters(index = "0") String explanation;

        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            ctl.banner("Closing all connections" + (vhost == null ? "" : " in vhost " + vhost) + ", reason: " + explanation + " ...");
            List<Map<String, Object>> all = (List<Map<String, Object>>) ctl.api("GET", null, "connections");
            for (Map<String, Object> c : all) {
                if (vhost != null && !vhost.equals(c.get("vhost"))) continue;
                try {
                    ctl.api("DELETE", 65, null, Map.of("reason", explanation), "connections", String.valueOf(c.get("name")));
                } catch (Ctl.Failure f) {
                    if (f.exitCode != 65) throw f; // closed in the meantime
                }
            }
            return 0;
        }
    }
}
