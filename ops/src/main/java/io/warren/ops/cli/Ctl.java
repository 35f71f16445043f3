package io.warren.ops.cli;

import io.warren.metadata.codec.BinaryReader;
import io.warren.raft.link.Link;
import io.warren.raft.link.LinkClient;
import io.warren.raft.link.LinkProtocol;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code warren ctl}: rabbitmqctl-style verbs against a running node, over the node-to-node link (so it
 * needs the cluster secret, like rabbitmqctl needs the Erlang cookie).
 */
@Command(name = "warren ctl", mixinStandardHelpOptions = true,
        subcommands = {Ctl.ClusterStatus.class, Ctl.ForgetClusterNode.class, Ctl.SetPolicy.class, Ctl.ClearPolicy.class,
                Ctl.ListPolicies.class, Ctl.ListQueues.class},
        description = "Operates a running Warren node (rabbitmqctl-style verbs).")
public final class Ctl implements Callable<Integer> {
    @Option(names = {"-n", "--node"}, description = "Raft address (host:port) of the node to ask (default localhost:25672)",
            defaultValue = "localhost:25672", scope = CommandLine.ScopeType.INHERIT)
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
        Path local = Path.of("data", "cluster", "secret");
        return Files.exists(local) ? Files.readString(local).trim() : "";
    }

    byte[] call(byte[] request) throws Exception {
        try (LinkClient link = new LinkClient(Link.digest(secret()))) {
            return link.call(node, request, 10_000).get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot reach node " + node + ": " + e.getCause().getMessage(), e);
        }
    }

    @Command(name = "cluster_status", description = "members, which are running, the metadata leader, unreachable nodes")
    static final class ClusterStatus implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Override public Integer call() throws Exception {
            BinaryReader r = LinkProtocol.answer(ctl.call(LinkProtocol.request(LinkProtocol.STATUS).toByteArray()));
            String leader = r.shortStr();
            int n = r.i32();
            List<String[]> nodes = new ArrayList<>();
            for (int i = 0; i < n; i++) nodes.add(new String[]{r.shortStr(), r.shortStr(), String.valueOf(r.bool())});
            if (ctl.formatter.equals("json")) {
                StringBuilder b = new StringBuilder("{\"metadata_leader\":" + json(leader) + ",\"nodes\":[");
                for (int i = 0; i < nodes.size(); i++) {
                    String[] x = nodes.get(i);
                    b.append(i > 0 ? "," : "").append("{\"name\":").append(json(x[0])).append(",\"raft_address\":").append(json(x[1]))
                            .append(",\"running\":").append(x[2]).append('}');
                }
                System.out.println(b.append("]}"));
                return 0;
            }
            if (!ctl.quiet) System.out.println("Cluster status of node " + ctl.node + " ...");
            System.out.println("Metadata leader: " + (leader.isEmpty() ? "(none: no majority)" : leader));
            System.out.println();
            System.out.println("Members");
            for (String[] x : nodes) System.out.printf("%-32s %-24s %s%n", x[0], x[1], x[2].equals("true") ? "running" : "unreachable");
            List<String> down = nodes.stream().filter(x -> !x[2].equals("true")).map(x -> x[0]).toList();
            System.out.println();
            System.out.println("Unreachable nodes: " + (down.isEmpty() ? "(none)" : String.join(", ", down)));
            return 0;
        }
    }

    @Command(name = "forget_cluster_node", description = "removes a node from the cluster (from the metadata group and every queue group)")
    static final class ForgetClusterNode implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Parameters(paramLabel = "NODE", description = "the node's name, e.g. warren-3@localhost")
        String name;

        @Override public Integer call() throws Exception {
            if (!ctl.quiet) System.out.println("Removing node " + name + " from the cluster ...");
            LinkProtocol.answer(ctl.call(LinkProtocol.request(LinkProtocol.FORGET).shortStr(name).toByteArray()));
            return 0;
        }
    }

    @Command(name = "set_policy", description = "sets a policy; 'ha-mode' (all, exactly + ha-params) sets the group size of matching quorum queues")
    static final class SetPolicy implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;

        @Option(names = "--priority", defaultValue = "0") int priority;

        @Option(names = "--apply-to", defaultValue = "all", description = "all, queues, quorum_queues or exchanges") String applyTo;

        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Parameters(index = "1", paramLabel = "PATTERN") String pattern;

        @Parameters(index = "2", paramLabel = "DEFINITION", description = "JSON object, e.g. '{\"ha-mode\":\"all\"}'") String definition;

        @Override public Integer call() throws Exception {
            java.util.Map<String, Object> def;
            try {
                def = new com.fasterxml.jackson.databind.ObjectMapper().readValue(definition,
                        new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>() { });
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                System.err.println("Error: the policy definition is not a JSON object: " + e.getOriginalMessage());
                return 65;
            }
            if (!ctl.quiet) System.out.println("Setting policy \"" + name + "\" for pattern \"" + pattern + "\" to \"" + definition
                    + "\" with priority \"" + priority + "\" for vhost \"" + vhost + "\" ...");
            io.warren.metadata.codec.BinaryWriter w = LinkProtocol.request(LinkProtocol.SET_POLICY).shortStr(vhost).shortStr(name)
                    .longStr(pattern).shortStr(applyTo).i32(priority);
            io.warren.metadata.codec.FieldTables.writeTable(w, def);
            LinkProtocol.answer(ctl.call(w.toByteArray()));
            return 0;
        }
    }

    @Command(name = "clear_policy", description = "removes a policy")
    static final class ClearPolicy implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;

        @Parameters(paramLabel = "NAME") String name;

        @Override public Integer call() throws Exception {
            if (!ctl.quiet) System.out.println("Clearing policy \"" + name + "\" on vhost \"" + vhost + "\" ...");
            LinkProtocol.answer(ctl.call(LinkProtocol.request(LinkProtocol.CLEAR_POLICY).shortStr(vhost).shortStr(name).toByteArray()));
            return 0;
        }
    }

    @Command(name = "list_policies", description = "lists the policies of a vhost")
    static final class ListPolicies implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;

        @Override public Integer call() throws Exception {
            BinaryReader r = LinkProtocol.answer(ctl.call(LinkProtocol.request(LinkProtocol.LIST_POLICIES).shortStr(vhost).toByteArray()));
            int n = r.i32();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            if (!ctl.quiet && !ctl.formatter.equals("json")) {
                System.out.println("Listing policies for vhost \"" + vhost + "\" ...");
                System.out.println("vhost\tname\tpattern\tapply-to\tdefinition\tpriority");
            }
            List<java.util.Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = r.shortStr(), pattern = r.longStr(), applyTo = r.shortStr();
                int priority = r.i32();
                var def = io.warren.metadata.codec.FieldTables.readTable(r);
                if (ctl.formatter.equals("json")) {
                    rows.add(java.util.Map.of("vhost", vhost, "name", name, "pattern", pattern, "apply-to", applyTo,
                            "definition", def, "priority", priority));
                } else {
                    System.out.println(vhost + "\t" + name + "\t" + pattern + "\t" + applyTo + "\t" + json.writeValueAsString(def) + "\t" + priority);
                }
            }
            if (ctl.formatter.equals("json")) System.out.println(json.writeValueAsString(rows));
            return 0;
        }
    }

    @Command(name = "list_queues", description = "lists the queues of a vhost: name, type, Raft group, leader, members")
    static final class ListQueues implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;

        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            BinaryReader r = LinkProtocol.answer(ctl.call(LinkProtocol.request(LinkProtocol.LIST_QUEUES).shortStr(vhost).toByteArray()));
            int n = r.i32();
            List<java.util.Map<String, Object>> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String name = r.shortStr(), type = r.shortStr(), group = r.shortStr(), leader = r.shortStr();
                int m = r.i32();
                List<String> members = new ArrayList<>();
                for (int k = 0; k < m; k++) members.add(r.shortStr());
                java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
                row.put("name", name);
                row.put("type", type);
                row.put("group", group);
                row.put("leader", leader);
                row.put("members", members);
                rows.add(row);
            }
            if (ctl.formatter.equals("json")) {
                System.out.println(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(rows));
                return 0;
            }
            if (!ctl.quiet) {
                System.out.println("Listing queues for vhost \"" + vhost + "\" ...");
                System.out.println("name\ttype\tgroup\tleader\tmembers");
            }
            for (var row : rows) {
                System.out.println(row.get("name") + "\t" + row.get("type") + "\t" + row.get("group") + "\t" + row.get("leader")
                        + "\t" + String.join(",", (List<String>) row.get("members")));
            }
            return 0;
        }
    }

    static String json(String s) { return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""; }

    public static void main(String[] args) {
        java.util.logging.Logger.getLogger("org.apache.ratis.thirdparty.io.grpc").setLevel(java.util.logging.Level.WARNING);
        CommandLine cl = new CommandLine(new Ctl());
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable c = e;
            while (c.getCause() != null && !(c instanceof io.warren.metadata.model.DomainException)) c = c.getCause();
            System.err.println("Error: " + c.getMessage());
            return 69;
        });
        System.exit(cl.execute(args));
    }
}
