package io.warren.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.metadata.port.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** cluster_status in RabbitMQ's sections and JSON keys, with what Raft adds (the metadata leader, each member's Raft address). */
final class StatusVerbs {
    private StatusVerbs() { }

    @Command(name = "cluster_status", description = "members, which are running, the metadata leader, unreachable nodes, alarms")
    static final class ClusterStatus implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            Admin.ClusterStatus st;
            try (AdminClient a = ctl.admin()) { st = a.clusterStatus().get(); }
            Map<String, Object> overview = (Map<String, Object>) ctl.api("GET", null, "overview");
            Map<String, Object> alarms = (Map<String, Object>) ctl.api("GET", null, "health", "checks", "alarms");
            List<String> all = st.members().stream().map(Admin.Member::name).toList();
            List<String> running = st.members().stream().filter(Admin.Member::running).map(Admin.Member::name).toList();
            List<String> down = st.members().stream().filter(m -> !m.running()).map(Admin.Member::name).toList();
            List<String> alarmList = "ok".equals(alarms.get("status")) ? List.of() : List.of(String.valueOf(alarms.get("reason")));
            if (ctl.formatter.equals("json")) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("cluster_name", overview.get("cluster_name"));
                out.put("disk_nodes", all);
                out.put("ram_nodes", List.of());
                out.put("running_nodes", running);
                out.put("alarms", alarmList);
                out.put("partitions", down.isEmpty() ? Map.of() : Map.of(String.valueOf(overview.get("node")), down));
                out.put("listeners", overview.getOrDefault("listeners", List.of()));
                out.put("versions", Map.of(String.valueOf(overview.get("node")), Map.of("rabbitmq_version", overview.get("rabbitmq_version"),
                        "product_name", overview.get("product_name"), "product_version", overview.get("product_version"))));
                out.put("maintenance_status", Map.of());
                out.put("feature_flags", List.of());
                out.put("metadata_leader", st.metadataLeader());
                out.put("nodes", st.members().stream().map(m -> Map.of("name", m.name(), "raft_address", m.raftAddress(), "running", m.running()))
                        .toList());
                System.out.println(new ObjectMapper().writeValueAsString(out));
                return 0;
            }
            ctl.banner("Cluster status of node " + ctl.node + " ...");
            StringBuilder b = new StringBuilder();
            b.append("Basics\n\nCluster name: ").append(overview.get("cluster_name")).append("\n");
            b.append("Metadata leader: ").append(st.metadataLeader().isEmpty() ? "(none: no majority)" : st.metadataLeader()).append("\n\n");
            b.append("Disk Nodes\n\n");
            all.forEach(n -> b.append(n).append("\n"));
            b.append("\nRunning Nodes\n\n");
            running.forEach(n -> b.append(n).append("\n"));
            b.append("\nMembers (Raft addresses)\n\n");
            st.members().forEach(m -> b.append(String.format("%-32s %-24s %s%n", m.name(), m.raftAddress(), m.running() ? "running" : "unreachable")));
            b.append("\nAlarms\n\n").append(alarmList.isEmpty() ? "(none)" : String.join("\n", alarmList)).append("\n");
            b.append("\nNetwork Partitions\n\n").append(down.isEmpty() ? "(none)" : "Unreachable nodes: " + String.join(", ", down)).append("\n");
            System.out.print(b);
            return 0;
        }
    }
}
