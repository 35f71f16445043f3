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
        subcommands = {Ctl.ClusterStatus.class, Ctl.ForgetClusterNode.class},
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
