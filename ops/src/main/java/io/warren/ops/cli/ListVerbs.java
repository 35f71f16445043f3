package io.warren.ops.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The {@code list_*} verbs with RabbitMQ's info items and default columns, read from the management API (so the CLI,
 * HTTP and rabbitmqadmin list the same thing). An info item Warren has no figure for (message bytes, memory, TLS
 * details of a plain connection) is accepted and printed empty, so a script that asks for it keeps working.
 */
final class ListVerbs {
    private ListVerbs() { }

    /** An info item: its name and how to read it from the API's row for the object. */
    record Item(String name, Function<Map<String, Object>, Object> read) { }

    static Item item(String name) { return new Item(name, r -> r.get(name)); }

    static Item item(String name, Function<Map<String, Object>, Object> read) { return new Item(name, read); }

    /** Items RabbitMQ lists that Warren has no figure for: accepted, printed empty. */
    static List<Item> empty(String... names) {
        List<Item> out = new ArrayList<>();
        for (String n : names) out.add(new Item(n, r -> null));
        return out;
    }

    @SuppressWarnings("unchecked")
    static Object at(Map<String, Object> row, String key, String inner) {
        Object o = row.get(key);
        return o instanceof Map<?, ?> m ? ((Map<String, Object>) m).get(inner) : null;
    }

    abstract static class ApiListing implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Option(names = "--no-table-headers") boolean noHeaders;
        @Parameters(arity = "0..*", description = "the info items to show, in this order") List<String> asked = new ArrayList<>();

        abstract String banner();

        abstract List<Map<String, Object>> fetch() throws Exception;

        abstract List<Item> items();

        abstract List<String> defaults();

        @Override public Integer call() throws Exception {
            List<Item> items = items();
            List<String> all = items.stream().map(Item::name).toList();
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Map<String, Object> r : fetch()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (Item i : items) row.put(i.name(), i.read().apply(r));
                rows.add(row);
            }
            Columns.print(ctl, banner(), rows, defaults(), all, asked, noHeaders);
            return 0;
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> get(String... path) throws Exception { return (List<Map<String, Object>>) ctl.api("GET", null, path); }
    }

    abstract static class VhostListing extends ApiListing {
        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;
    }

    @Command(name = "list_queues", description = "lists the queues of a vhost (default columns: name messages; "
            + "type leader members online show each quorum queue's replicas)")
    static final class ListQueues extends VhostListing {
        @Option(names = "--online", description = "only queues whose leader answers") boolean online;
        @Option(names = "--offline", description = "only queues no node serves now") boolean offline;
        @Option(names = "--local", description = "only queues this node serves") boolean local;

        @Override String banner() { return "Timeout: 60.0 seconds ...\nListing queues for vhost " + vhost + " ..."; }

        @Override List<Map<String, Object>> fetch() throws Exception {
            String self = local ? String.valueOf(((Map<?, ?>) ctl.api("GET", null, "overview")).get("node")) : null;
            return get("queues", vhost).stream().filter(r -> (!online || "running".equals(r.get("state")))
                    && (!offline || !"running".equals(r.get("state"))) && (self == null || self.equals(r.get("leader")))).toList();
        }

        @Override List<String> defaults() { return List.of("name", "messages"); }

        @Override List<Item> items() {
            List<Item> l = new ArrayList<>(List.of(item("name"), item("durable"), item("auto_delete"), item("arguments"), item("policy"),
                    item("operator_policy"), item("effective_policy_definition"), item("pid", r -> r.get("leader")), item("owner_pid"),
                    item("exclusive"), item("exclusive_consumer_pid"), item("exclusive_consumer_tag"), item("messages_ready"),
                    item("messages_unacknowledged"), item("messages")));
            l.addAll(empty("messages_ready_ram", "messages_unacknowledged_ram", "messages_ram", "messages_persistent", "message_bytes",
                    "message_bytes_ready", "message_bytes_unacknowledged", "message_bytes_ram", "message_bytes_persistent",
                    "head_message_timestamp", "disk_reads", "disk_writes"));
            l.add(item("consumers"));
            l.addAll(empty("consumer_utilisation", "consumer_capacity", "memory"));
            l.addAll(List.of(item("state"), item("type"), item("leader"), item("members"), item("online"), item("group")));
            return l;
        }
    }

    @Command(name = "list_exchanges", description = "lists the exchanges of a vhost (default columns: name type)")
    static final class ListExchanges extends VhostListing {
        @Override String banner() { return "Listing exchanges for vhost " + vhost + " ..."; }

        @Override List<Map<String, Object>> fetch() throws Exception { return get("exchanges", vhost); }

        @Override List<String> defaults() { return List.of("name", "type"); }

        @Override List<Item> items() {
            return List.of(item("name"), item("type"), item("durable"), item("auto_delete"), item("internal"), item("arguments"),
                    item("policy"));
        }
    }

    @Command(name = "list_bindings", description = "lists the bindings of a vhost, the default exchange's included")
    static final class ListBindings extends VhostListing {
        @Override String banner() { return "Listing bindings for vhost " + vhost + "..."; }

        @Override List<Map<String, Object>> fetch() throws Exception { return get("bindings", vhost); }

        @Override List<String> defaults() { return items().stream().map(Item::name).toList(); }

        @Override List<Item> items() {
            return List.of(item("source_name", r -> r.get("source")), item("source_kind", r -> "exchange"),
                    item("destination_name", r -> r.get("destination")), item("destination_kind", r -> r.get("destination_type")),
                    item("routing_key"), item("arguments"));
        }
    }

    @Command(name = "list_connections", description = "lists the client connections of every node (default columns: "
            + "user peer_host peer_port state; pid is what close_connection takes)")
    static final class ListConnections extends ApiListing {
        @Override String banner() { return "Listing connections ..."; }

        @Override List<Map<String, Object>> fetch() throws Exception { return get("connections"); }

        @Override List<String> defaults() { return List.of("user", "peer_host", "peer_port", "state"); }

        @Override List<Item> items() {
            List<Item> l = new ArrayList<>(List.of(item("pid", r -> r.get("name")), item("name"), item("port"), item("host"),
                    item("peer_port"), item("peer_host"), item("ssl", r -> false)));
            l.addAll(empty("ssl_protocol", "ssl_key_exchange", "ssl_cipher", "ssl_hash", "peer_cert_subject", "peer_cert_issuer",
                    "peer_cert_serial_number", "peer_cert_validity"));
            l.addAll(List.of(item("state"), item("channels"), item("protocol"), item("auth_mechanism"), item("user"), item("vhost"),
                    item("container_id"), item("timeout"), item("frame_max"), item("channel_max"), item("client_properties")));
            l.addAll(empty("recv_oct", "recv_cnt", "send_oct", "send_cnt", "send_pend"));
            l.addAll(List.of(item("connected_at"), item("node")));
            return l;
        }
    }

    @Command(name = "list_channels", description = "lists the channels of every node's client connections "
            + "(default columns: pid user consumer_count messages_unacknowledged)")
    static final class ListChannels extends ApiListing {
        @Override String banner() { return "Listing channels ..."; }

        @Override List<Map<String, Object>> fetch() throws Exception { return get("channels"); }

        @Override List<String> defaults() { return List.of("pid", "user", "consumer_count", "messages_unacknowledged"); }

        @Override List<Item> items() {
            return List.of(item("pid", r -> r.get("name")), item("connection", r -> at(r, "connection_details", "name")), item("name"),
                    item("number"), item("user"), item("vhost"), item("transactional"), item("confirm"), item("consumer_count"),
                    item("messages_unacknowledged"), item("messages_uncommitted"), item("acks_uncommitted"), item("messages_unconfirmed"),
                    item("prefetch_count"));
        }
    }

    @Command(name = "list_consumers", description = "lists the consumers of a vhost")
    static final class ListConsumers extends VhostListing {
        @Override String banner() { return "Listing consumers in vhost " + vhost + " ..."; }

        @Override List<Map<String, Object>> fetch() throws Exception { return get("consumers", vhost); }

        @Override List<String> defaults() {
            return items().stream().map(Item::name).filter(n -> !n.equals("activity_status") && !n.equals("exclusive")).toList();
        }

        @Override List<Item> items() {
            return List.of(item("queue_name", r -> at(r, "queue", "name")), item("channel_pid", r -> at(r, "channel_details", "name")),
                    item("consumer_tag"), item("ack_required"), item("prefetch_count"), item("active"),
                    item("activity_status", r -> Boolean.TRUE.equals(r.get("active")) ? "up" : "waiting"), item("arguments"),
                    item("exclusive"));
        }
    }
}
