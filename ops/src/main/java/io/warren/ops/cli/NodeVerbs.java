package io.warren.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * One node's state and run-time settings: {@code status}, {@code listeners}, {@code set_vm_memory_high_watermark},
 * {@code set_disk_free_limit}, {@code list_feature_flags}. What they show is the asked node's own figures
 * ({@code GET /api/warren/node} on that node).
 */
final class NodeVerbs {
    private NodeVerbs() { }

    @SuppressWarnings("unchecked")
    static Map<String, Object> figures(Ctl ctl) throws Exception { return (Map<String, Object>) ctl.api("GET", null, "warren", "node"); }

    static String listener(Map<String, Object> l) {
        String protocol = String.valueOf(l.get("protocol"));
        String purpose = switch (protocol) {
            case "amqp" -> "AMQP 0-9-1";
            case "http" -> "HTTP API";
            case "prometheus" -> "Prometheus exporter API over HTTP";
            default -> protocol;
        };
        return "Interface: [::], port: " + l.get("port") + ", protocol: " + protocol + ", purpose: " + purpose;
    }

    @Command(name = "status", description = "the node's runtime, memory, disk, file descriptors, alarms, listeners and totals")
    static final class Status implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            Map<String, Object> f = figures(ctl);
            Map<String, Object> node = (Map<String, Object>) f.get("node");
            Map<String, Object> overview = (Map<String, Object>) ctl.api("GET", null, "overview");
            int vhosts = ((List<Object>) ctl.api("GET", null, "vhosts")).size();
            Map<String, Object> totals = new LinkedHashMap<>();
            totals.put("connection_count", node.get("sockets_used"));
            totals.put("queue_count", ((Map<String, Object>) overview.get("object_totals")).get("queues"));
            totals.put("virtual_host_count", vhosts);
            long memLimit = ((Number) node.get("mem_limit")).longValue();
            long memUsed = ((Number) node.get("mem_used")).longValue();
            List<Map<String, Object>> listeners = (List<Map<String, Object>>) f.get("listeners");
            if (ctl.formatter.equals("json")) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("os", System.getProperty("os.name"));
                o.put("pid", node.get("os_pid"));
                o.put("product_name", overview.get("product_name"));
                o.put("product_version", overview.get("product_version"));
                o.put("rabbitmq_version", overview.get("rabbitmq_version"));
                o.put("erlang_version", overview.get("erlang_version"));
                o.put("uptime", ((Number) node.get("uptime")).longValue() / 1000);
                o.put("is_under_maintenance", node.get("being_drained"));
                o.put("processes", Map.of("used", node.get("proc_used"), "limit", node.get("proc_total")));
                o.put("run_queue", node.get("run_queue"));
                o.put("vm_memory_calculation_strategy", node.get("mem_calculation_strategy"));
                o.put("vm_memory_high_watermark_setting", Map.of("relative", node.get("vm_memory_high_watermark")));
                o.put("vm_memory_high_watermark_limit", memLimit);
                o.put("disk_free_limit", node.get("disk_free_limit"));
                o.put("disk_free", node.get("disk_free"));
                o.put("file_descriptors", Map.of("total_used", node.getOrDefault("fd_used", 0), "total_limit", node.getOrDefault("fd_total", 0),
                        "sockets_used", node.get("sockets_used"), "sockets_limit", node.getOrDefault("sockets_total", 0)));
                o.put("alarms", f.get("alarms"));
                o.put("listeners", listeners);
                o.put("memory", Map.of("total", Map.of("rss", memUsed), "strategy", node.get("mem_calculation_strategy")));
                o.put("data_directory", node.get("db_dir"));
                o.put("raft_data_directory", node.get("db_dir") + "/raft");
                o.put("config_files", List.of());
                o.put("log_files", List.of());
                o.put("active_plugins", HealthVerbs.BUILT_IN);
                o.put("enabled_plugin_file", "");
                o.put("totals", totals);
                System.out.println(new ObjectMapper().writeValueAsString(o));
                return 0;
            }
            ctl.banner("Status of node " + node.get("name") + " ...");
            StringBuilder b = new StringBuilder();
            b.append("Runtime\n\n");
            b.append("OS PID: ").append(node.get("os_pid")).append("\n");
            b.append("OS: ").append(System.getProperty("os.name")).append("\n");
            b.append("Uptime (seconds): ").append(((Number) node.get("uptime")).longValue() / 1000).append("\n");
            b.append("Is under maintenance?: ").append(node.get("being_drained")).append("\n");
            b.append("RabbitMQ version: ").append(overview.get("rabbitmq_version")).append(" (Warren ").append(overview.get("product_version")).append(")\n");
            b.append("Node name: ").append(node.get("name")).append("\n");
            b.append("Runtime: ").append(overview.get("erlang_full_version")).append("\n\n");
            b.append("Plugins\n\nEnabled plugins (built in):\n\n");
            for (String p : HealthVerbs.BUILT_IN) b.append(" * ").append(p).append("\n");
            b.append("\nData directory\n\nNode data directory: ").append(node.get("db_dir")).append("\n\n");
            b.append("Alarms\n\n");
            List<Object> alarms = (List<Object>) f.get("alarms");
            b.append(alarms.isEmpty() ? "(none)" : String.join("\n", alarms.stream().map(a -> "resource limit alarm: " + a).toList())).append("\n\n");
            b.append("Memory\n\n");
            b.append("Total memory used: ").append(gb(memUsed)).append(" gb\n");
            b.append("Calculation strategy: ").append(node.get("mem_calculation_strategy")).append("\n");
            b.append("Memory high watermark setting: ").append(node.get("vm_memory_high_watermark")).append(" of the maximum heap, computed to: ")
                    .append(gb(memLimit)).append(" gb\n\n");
            b.append("File Descriptors\n\n");
            b.append("Total: ").append(node.getOrDefault("fd_used", "?")).append(", limit: ").append(node.getOrDefault("fd_total", "?")).append("\n");
            b.append("Sockets: ").append(node.get("sockets_used")).append(", limit: ").append(node.getOrDefault("sockets_total", "?")).append("\n\n");
            b.append("Free Disk Space\n\n");
            b.append("Low free disk space watermark: ").append(gb(((Number) node.get("disk_free_limit")).longValue())).append(" gb\n");
            b.append("Free disk space: ").append(gb(((Number) node.get("disk_free")).longValue())).append(" gb\n\n");
            b.append("Totals\n\n");
            b.append("Connection count: ").append(totals.get("connection_count")).append("\n");
            b.append("Queue count: ").append(totals.get("queue_count")).append("\n");
            b.append("Virtual host count: ").append(vhosts).append("\n\n");
            b.append("Listeners\n\n");
            for (Map<String, Object> l : listeners) b.append(listener(l)).append("\n");
            System.out.print(b);
            return 0;
        }

        private static String format(double v) { return String.format(java.util.Locale.ROOT, "%.4f", v); }

        private static String gb(long bytes) { return format(bytes / 1e9); }
    }

    @Command(name = "listeners", description = "the node's listeners: interface, port, protocol, purpose")
    static final class Listeners implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;

        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            Map<String, Object> f = figures(ctl);
            List<Map<String, Object>> listeners = (List<Map<String, Object>>) f.get("listeners");
            if (ctl.formatter.equals("json")) {
                List<Map<String, Object>> out = listeners.stream().map(l -> {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("node", l.get("node"));
                    o.put("interface", "[::]");
                    o.put("port", l.get("port"));
                    o.put("protocol", l.get("protocol"));
                    o.put("purpose", listener(l).substring(listener(l).indexOf("purpose: ") + 9));
                    return o;
                }).toList();
                System.out.println(new ObjectMapper().writeValueAsString(out));
                return 0;
            }
            ctl.banner("Asking node " + ((Map<String, Object>) f.get("node")).get("name") + " to report its protocol listeners ...");
            for (Map<String, Object> l : listeners) System.out.println(listener(l));
            return 0;
        }
    }

    @Command(name = "set_vm_memory_high_watermark", description = "sets the memory alarm's threshold at run time: "
            + "<fraction> of the maximum heap, or 'absolute <bytes|1GB>' (until the node restarts, as RabbitMQ)")
    static final class SetVmMemoryHighWatermark implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0") String first;
        @Parameters(index = "1", arity = "0..1") String second;

        @Override public Integer call() throws Exception {
            if (first.equals("absolute")) {
                long bytes = bytes(given(second, "set_vm_memory_high_watermark absolute needs a value, e.g. 1GB"));
                ctl.banner("Setting memory threshold on " + ctl.node + " to " + bytes + " bytes ...");
                ctl.api("PUT", Map.of("absolute", bytes), "warren", "vm-memory-high-watermark");
                return 0;
            }
            double fraction = fraction(first);
            if (fraction > 1) throw new Ctl.Failure(64, "the watermark must be a fraction from 0 to 1, not " + fraction);
            ctl.banner("Setting memory threshold on " + ctl.node + " to " + fraction + " ...");
            ctl.api("PUT", Map.of("fraction", fraction), "warren", "vm-memory-high-watermark");
            return 0;
        }
    }

    @Command(name = "set_disk_free_limit", description = "sets the disk alarm's threshold at run time: <bytes|50MB|1GB>, "
            + "or 'mem_relative <fraction>' of the machine's memory (until the node restarts, as RabbitMQ)")
    static final class SetDiskFreeLimit implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0") String first;
        @Parameters(index = "1", arity = "0..1") String second;

        @Override public Integer call() throws Exception {
            if (first.equals("mem_relative")) {
                double f = fraction(given(second, "set_disk_free_limit mem_relative needs a fraction, e.g. 1.0"));
                ctl.banner("Setting disk free limit on " + ctl.node + " to " + f + " times the total RAM ...");
                ctl.api("PUT", Map.of("mem_relative", f), "warren", "disk-free-limit");
                return 0;
            }
            long limit = bytes(first);
            ctl.banner("Setting disk free limit on " + ctl.node + " to " + limit + " bytes ...");
            ctl.api("PUT", Map.of("bytes", limit), "warren", "disk-free-limit");
            return 0;
        }
    }

    /** The second word of a two-word form ("absolute 1GB"), or a usage error saying what is missing. */
    static String given(String value, String missing) {
        if (value == null) throw new Ctl.Failure(64, missing);
        return value;
    }

    /** A non-negative fraction, or a usage error. */
    static double fraction(String v) {
        try {
            double f = Double.parseDouble(v);
            if (f >= 0) return f;
        } catch (NumberFormatException e) {
            // below
        }
        throw new Ctl.Failure(64, "not a fraction: '" + v + "' (say 0.4, or 'absolute 1GB' / 'mem_relative 1.0')");
    }

    /** A size as RabbitMQ writes it: 50000000, 50MB (10^6), 50MiB or 50M (2^20), and k/K, G alike. */
    static long bytes(String v) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*([kKmMgGtT]?)([iI]?)([bB]?)").matcher(v.trim());
        if (!m.matches()) throw new Ctl.Failure(64, "not a size: '" + v + "' (say 50000000, 50MB or 1GiB)");
        long n = Long.parseLong(m.group(1));
        if (m.group(2).isEmpty()) return n;
        int power = "KMGT".indexOf(m.group(2).toUpperCase()) + 1;
        boolean decimal = m.group(3).isEmpty() && !m.group(4).isEmpty(); // "MB" is 10^6, "MiB" and "M" are 2^20
        long unit = 1;
        for (int i = 0; i < power; i++) unit *= decimal ? 1000 : 1024;
        return n * unit;
    }

    @Command(name = "list_feature_flags", description = "feature flags: Warren has none (enable_feature_flag all succeeds)")
    static final class ListFeatureFlags implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @CommandLine.Option(names = "--no-table-headers") boolean noHeaders;
        @Parameters(arity = "0..*") List<String> asked = new java.util.ArrayList<>();

        @Override public Integer call() throws Exception {
            List<String> all = List.of("name", "state", "stability", "provided_by", "desc", "doc_url");
            Columns.print(ctl, "Listing feature flags ...", List.of(), List.of("name", "state"), all, asked, noHeaders);
            return 0;
        }
    }
}
