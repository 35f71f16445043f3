package io.warren.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.metadata.port.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code warren ctl}: rabbitmqctl-style verbs against a running node, over the node-to-node link (so it
 * needs the cluster secret, like rabbitmqctl needs the Erlang cookie).
 */
@Command(name = "warren ctl", mixinStandardHelpOptions = true,
        subcommands = {StatusVerbs.ClusterStatus.class, Ctl.ForgetClusterNode.class, Ctl.SetPolicy.class, Ctl.ClearPolicy.class,
                Ctl.ListPolicies.class, Ctl.SetOperatorPolicy.class, Ctl.ClearOperatorPolicy.class, Ctl.ListOperatorPolicies.class,
                Ctl.UpdateVhostMetadata.class, ListVerbs.ListQueues.class, ListVerbs.ListExchanges.class, ListVerbs.ListBindings.class,
                ListVerbs.ListConnections.class, ListVerbs.ListChannels.class, ListVerbs.ListConsumers.class,
                UserVerbs.AddUser.class, UserVerbs.DeleteUser.class, UserVerbs.ChangePassword.class, UserVerbs.ClearPassword.class,
                UserVerbs.SetUserTags.class, UserVerbs.ListUsers.class, UserVerbs.AuthenticateUser.class, UserVerbs.HashPassword.class,
                VhostVerbs.AddVhost.class, VhostVerbs.DeleteVhost.class, VhostVerbs.ListVhosts.class, VhostVerbs.SetPermissions.class,
                VhostVerbs.ClearPermissions.class, VhostVerbs.ListPermissions.class, VhostVerbs.ListUserPermissions.class,
                VhostVerbs.SetTopicPermissions.class, VhostVerbs.ClearTopicPermissions.class, VhostVerbs.ListTopicPermissions.class,
                VhostVerbs.SetVhostLimits.class, VhostVerbs.ClearVhostLimits.class, VhostVerbs.ListVhostLimits.class,
                VhostVerbs.SetUserLimits.class, VhostVerbs.ClearUserLimits.class, VhostVerbs.ListUserLimits.class,
                DefinitionVerbs.ExportDefinitions.class, DefinitionVerbs.ImportDefinitions.class, HealthVerbs.Ping.class,
                HealthVerbs.CheckRunning.class, HealthVerbs.CheckLocalAlarms.class, HealthVerbs.CheckAlarms.class,
                HealthVerbs.CheckVirtualHosts.class, HealthVerbs.CheckPortListener.class, HealthVerbs.CheckPortConnectivity.class,
                HealthVerbs.Plugins.class, HealthVerbs.EnableFeatureFlag.class, DefinitionVerbs.SetClusterName.class,
                HealthVerbs.CloseConnection.class, HealthVerbs.CloseAllConnections.class, HealthVerbs.ChangeClusterNodeType.class, HealthVerbs.SyncQueue.class, HealthVerbs.CancelSyncQueue.class,
                NodeVerbs.Status.class, NodeVerbs.Listeners.class, NodeVerbs.SetVmMemoryHighWatermark.class, NodeVerbs.SetDiskFreeLimit.class,
                NodeVerbs.ListFeatureFlags.class, HealthVerbs.CheckIfNodeIsQuorumCritical.class,
                DefinitionVerbs.SetParameter.class, DefinitionVerbs.ClearParameter.class, DefinitionVerbs.ListParameters.class,
                DefinitionVerbs.SetGlobalParameter.class, DefinitionVerbs.ClearGlobalParameter.class, DefinitionVerbs.ListGlobalParameters.class},
        description = "Operates a running Warren node (rabbitmqctl-style verbs).")
public final class Ctl implements Callable<Integer> {
    @Option(names = {"-n", "--node"}, description = "the node to ask: its Raft address (host:port) or name (name@host); "
            + "default $WARREN_NODE, else localhost:25672", defaultValue = "${env:WARREN_NODE:-localhost:25672}", scope = CommandLine.ScopeType.INHERIT)
    String node;

    @Option(names = "--cluster-secret", description = "the cluster secret", scope = CommandLine.ScopeType.INHERIT)
    String secret;

    @Option(names = "--secret-file", description = "file holding the cluster secret", scope = CommandLine.ScopeType.INHERIT)
    Path secretFile;

    @Option(names = {"-q", "--quiet"}, description = "no informational header", scope = CommandLine.ScopeType.INHERIT)
    boolean quiet;

    @Option(names = "--formatter", description = "table (default) or json", defaultValue = "table", scope = CommandLine.ScopeType.INHERIT)
    String formatter;

    @Override public Integer call() {
        new CommandLine(this).usage(System.out);
        return 64;
    }

    String secret() throws java.io.IOException {
        if (secret != null) return secret;
        if (secretFile != null) return Files.readString(secretFile).trim();
        if (System.getenv("WARREN_CLUSTER_SECRET") != null) return System.getenv("WARREN_CLUSTER_SECRET");
        String root = System.getenv("WARREN_ROOT"); // set by ./warren: the local cluster's secret is under its data/
        Path local = (root == null ? Path.of("") : Path.of(root)).resolve(Path.of("data", "cluster", "secret"));
        return Files.exists(local) ? Files.readString(local).trim() : "";
    }

    AdminClient admin() throws java.io.IOException { return new AdminClient(address(), secret(), 10_000); }

    private String resolved;

    /**
     * The Raft address to call: {@code -n} as host:port, or a node name ({@code warren-2@host}), looked up in the
     * cluster status of the node at {@code host}:25672 (or of localhost:25672 when that host has none).
     */
    String address() throws java.io.IOException {
        if (resolved != null) return resolved;
        if (!node.contains("@") || node.contains(":")) return resolved = node;
        String host = node.substring(node.indexOf('@') + 1);
        for (String seed : List.of(host + ":25672", "localhost:25672")) {
            try (AdminClient a = new AdminClient(seed, secret(), 5_000)) {
                for (Admin.Member m : a.clusterStatus().get().members()) if (m.name().equals(node)) return resolved = m.raftAddress();
            } catch (Exception e) {
                // try the next seed
            }
        }
        throw new Failure(69, "could not find node " + node + " (asked " + host + ":25672 and localhost:25672); give -n host:raft_port");
    }

    /** A failed verb: what to print after "Error: " and the exit code (RabbitMQ's sysexits). */
    static final class Failure extends RuntimeException {
        final int exitCode;

        Failure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    /**
     * Calls the node's management API as its operator; a refusal becomes a {@link Failure}: 404 exits with
     * {@code notFoundExit} (65 dataerr, 67 nouser), 400 with 65, anything else with 69.
     */
    @SuppressWarnings("unchecked")
    Object api(String method, int notFoundExit, Object body, Map<String, String> query, String... path) throws Exception {
        byte[] bytes = body == null ? null : body instanceof byte[] b ? b : new ObjectMapper().writeValueAsBytes(body);
        io.warren.raft.link.LinkCall.Managed m;
        try (AdminClient a = admin()) { m = a.manage(method, List.of(path), query, bytes).get(); }
        Object parsed = m.body().length == 0 ? null : new ObjectMapper().readValue(m.body(), Object.class);
        if (m.status() >= 300) {
            String reason = parsed instanceof Map<?, ?> e ? String.valueOf(((Map<String, Object>) e).getOrDefault("reason", e)) : "HTTP " + m.status();
            throw new Failure(m.status() == 404 ? notFoundExit : m.status() == 400 ? 65 : 69, reason);
        }
        return parsed;
    }

    Object api(String method, Object body, String... path) throws Exception { return api(method, 65, body, Map.of(), path); }

    void banner(String line) { if (!quiet) System.out.println(line); }

    @Command(name = "forget_cluster_node", description = "removes a node from the cluster (from the metadata group and every queue group)")
    static final class ForgetClusterNode implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Parameters(paramLabel = "NODE", description = "the node's name, e.g. warren-3@localhost")
        String name;

        @Override public Integer call() throws Exception {
            if (!ctl.quiet) System.out.println("Removing node " + name + " from the cluster ...");
            try (AdminClient a = ctl.admin()) { a.forgetNode(name).get(); }
            return 0;
        }
    }

    @Command(name = "set_policy", description = "sets a policy; 'ha-mode' (all, exactly + ha-params) sets the group size of matching quorum queues")
    static class SetPolicy implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;

        @Option(names = "--priority", defaultValue = "0") int priority;

        @Option(names = "--apply-to", defaultValue = "all", description = "all, queues, quorum_queues or exchanges") String applyTo;

        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Parameters(index = "1", paramLabel = "PATTERN") String pattern;

        @Parameters(index = "2", paramLabel = "DEFINITION", description = "JSON object, e.g. '{\"ha-mode\":\"all\"}'") String definition;

        @Override public Integer call() throws Exception {
            Map<String, Object> def;
            try {
                def = new ObjectMapper().readValue(definition, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                System.err.println("Error: the policy definition is not a JSON object: " + e.getOriginalMessage());
                return 65;
            }
            if (!ctl.quiet) System.out.println("Setting " + what() + " \"" + name + "\" for pattern \"" + pattern + "\" to \"" + definition
                    + "\" with priority \"" + priority + "\" for vhost \"" + vhost + "\" ...");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("pattern", pattern);
            body.put("definition", def);
            body.put("priority", priority);
            body.put("apply-to", applyTo);
            ctl.api("PUT", body, operator() ? "operator-policies" : "policies", vhost, name);
            return 0;
        }

        boolean operator() { return false; }

        String what() { return operator() ? "operator policy" : "policy"; }
    }

    @Command(name = "set_operator_policy", description = "sets an operator policy: caps expires, message-ttl, max-length, "
            + "max-length-bytes, delivery-limit (the lower value wins) and sets overflow, over the queues' own policies and arguments")
    static final class SetOperatorPolicy extends SetPolicy {
        @Override boolean operator() { return true; }
    }

    @Command(name = "clear_policy", description = "removes a policy")
    static class ClearPolicy implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;

        @Parameters(paramLabel = "NAME") String name;

        @Override public Integer call() throws Exception {
            if (!ctl.quiet) System.out.println("Clearing " + (operator() ? "operator policy" : "policy") + " \"" + name + "\" on vhost \"" + vhost + "\" ...");
            ctl.api("DELETE", null, operator() ? "operator-policies" : "policies", vhost, name);
            return 0;
        }

        boolean operator() { return false; }
    }

    @Command(name = "clear_operator_policy", description = "removes an operator policy")
    static final class ClearOperatorPolicy extends ClearPolicy {
        @Override boolean operator() { return true; }
    }

    @Command(name = "update_vhost_metadata", description = "sets a vhost's default queue type: what a durable queue declared "
            + "without x-queue-type becomes (quorum or classic; 'node' goes back to the node's default_queue_type)")
    static final class UpdateVhostMetadata implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Parameters(paramLabel = "VHOST") String vhost;

        @Option(names = "--default-queue-type", required = true, paramLabel = "TYPE") String type;

        @Override public Integer call() throws Exception {
            io.warren.metadata.model.QueueType t = null;
            if (!type.equals("node")) {
                if (!type.equals("quorum") && !type.equals("classic")) {
                    System.err.println("Error: default queue type '" + type + "' is not supported (quorum, classic or node)");
                    return 64;
                }
                t = io.warren.metadata.model.QueueType.ofWireName(type);
            }
            if (!ctl.quiet) System.out.println("Updating metadata of vhost \"" + vhost + "\" ...");
            try (AdminClient a = ctl.admin()) { a.setDefaultQueueType(vhost, t).get(); }
            return 0;
        }
    }

    /** A listing of one vhost: fetched from the node, printed as a table or JSON. */
    abstract static class Listing implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;
        @Option(names = "--no-table-headers") boolean noHeaders;
        @Parameters(arity = "0..*", description = "the columns to show, in this order") List<String> asked = new ArrayList<>();

        private final String what;
        private final String[] columns;

        Listing(String what, String... columns) {
            this.what = what;
            this.columns = columns;
        }

        abstract List<Map<String, Object>> fetch() throws Exception;

        @Override public Integer call() throws Exception {
            Columns.print(ctl, "Listing " + what + " for vhost \"" + vhost + "\" ...", fetch(), List.of(columns), List.of(columns), asked, noHeaders);
            return 0;
        }
    }

    @Command(name = "list_policies", description = "lists the policies of a vhost")
    static class ListPolicies extends Listing {
        ListPolicies() { this("policies"); }

        ListPolicies(String what) { super(what, "vhost", "name", "pattern", "apply-to", "definition", "priority"); }

        @SuppressWarnings("unchecked")
        @Override List<Map<String, Object>> fetch() throws Exception {
            return (List<Map<String, Object>>) ctl.api("GET", null, operator() ? "operator-policies" : "policies", vhost);
        }

        boolean operator() { return false; }
    }

    @Command(name = "list_operator_policies", description = "lists the operator policies of a vhost")
    static final class ListOperatorPolicies extends ListPolicies {
        ListOperatorPolicies() { super("operator policies"); }

        @Override boolean operator() { return true; }
    }

    /** A row of a listing: column names and values, in order. */
    static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** Held so the level sticks (java.util.logging keeps loggers weakly): gRPC's start-up notes are not the CLI's output. */
    private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("org.apache.ratis.thirdparty.io.grpc");

    /** The CLI with its error handling: a refusal prints "Error:" and its reason and exits with RabbitMQ's code. */
    public static CommandLine commandLine() {
        GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
        CommandLine cl = new CommandLine(new Ctl());
        cl.setParameterExceptionHandler((ex, args) -> { // a usage error: exit 64, as rabbitmqctl
            ex.getCommandLine().getErr().println("Error: " + ex.getMessage());
            ex.getCommandLine().usage(ex.getCommandLine().getErr());
            return 64;
        });
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof Failure f) {
                System.err.println("Error:\n" + f.getMessage());
                return f.exitCode;
            }
            Throwable c = e;
            while (c.getCause() != null && !(c instanceof io.warren.metadata.model.DomainException)) c = c.getCause();
            System.err.println("Error: " + c.getMessage());
            return 69;
        });
        return cl;
    }

    public static void main(String[] args) { System.exit(commandLine().execute(args)); }
}
