package io.warren.ops.cli;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.codec.FieldTables;
import io.warren.raft.link.Link;
import io.warren.raft.link.LinkClient;
import io.warren.raft.link.LinkProtocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The operator's calls to one node over the node-to-node link (needs the cluster secret). {@code warren ctl} prints
 * what these return; tests and tools use them directly. Listings are the node's own applied view of the metadata.
 */
public final class AdminClient implements AutoCloseable {
    /** A cluster member as the asked node sees it. */
    public record Member(String name, String raftAddress, boolean running) { }

    /** The metadata group's leader ("" without a majority) and the members. */
    public record Status(String metadataLeader, List<Member> members) { }

    private final String node;
    private final LinkClient link;
    private final long timeoutMs;

    public AdminClient(String node, String secret, long timeoutMs) {
        this.node = node;
        this.link = new LinkClient(Link.digest(secret));
        this.timeoutMs = timeoutMs;
    }

    private BinaryReader call(BinaryWriter request) throws Exception {
        try {
            return LinkProtocol.answer(link.call(node, request.toByteArray(), timeoutMs).get(timeoutMs + 5_000, TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot reach node " + node + ": " + e.getCause().getMessage(), e);
        }
    }

    public Status status() throws Exception {
        BinaryReader r = call(LinkProtocol.request(LinkProtocol.STATUS));
        String leader = r.shortStr();
        int n = r.i32();
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++) members.add(new Member(r.shortStr(), r.shortStr(), r.bool()));
        return new Status(leader, members);
    }

    public void forgetNode(String name) throws Exception { call(LinkProtocol.request(LinkProtocol.FORGET).shortStr(name)); }

    public void setPolicy(String vhost, String name, String pattern, String applyTo, int priority, Map<String, Object> definition) throws Exception {
        BinaryWriter w = LinkProtocol.request(LinkProtocol.SET_POLICY).shortStr(vhost).shortStr(name).longStr(pattern).shortStr(applyTo).i32(priority);
        FieldTables.writeTable(w, definition);
        call(w);
    }

    public void clearPolicy(String vhost, String name) throws Exception {
        call(LinkProtocol.request(LinkProtocol.CLEAR_POLICY).shortStr(vhost).shortStr(name));
    }

    /** Calls a listing of {@code vhost}: a count, then that many rows, each read by {@code row}. */
    private List<Map<String, Object>> list(int op, String vhost, java.util.function.Function<BinaryReader, Map<String, Object>> row) throws Exception {
        BinaryReader r = call(LinkProtocol.request(op).shortStr(vhost));
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = r.i32(); i > 0; i--) rows.add(row.apply(r));
        return rows;
    }

    /** vhost, name, pattern, apply-to, definition, priority. */
    public List<Map<String, Object>> listPolicies(String vhost) throws Exception {
        return list(LinkProtocol.LIST_POLICIES, vhost, r -> {
            Map<String, Object> row = row("vhost", vhost, "name", r.shortStr(), "pattern", r.longStr(), "apply-to", r.shortStr());
            int priority = r.i32();
            row.put("definition", FieldTables.readTable(r));
            row.put("priority", priority);
            return row;
        });
    }

    /** name, type, group, leader ("" when unknown), members. */
    public List<Map<String, Object>> listQueues(String vhost) throws Exception {
        return list(LinkProtocol.LIST_QUEUES, vhost, r -> {
            Map<String, Object> row = row("name", r.shortStr(), "type", r.shortStr(), "group", r.shortStr(), "leader", r.shortStr());
            List<String> members = new ArrayList<>();
            for (int k = r.i32(); k > 0; k--) members.add(r.shortStr());
            row.put("members", members);
            return row;
        });
    }

    /** name, type, durable, auto_delete, internal. */
    public List<Map<String, Object>> listExchanges(String vhost) throws Exception {
        return list(LinkProtocol.LIST_EXCHANGES, vhost,
                r -> row("name", r.shortStr(), "type", r.shortStr(), "durable", r.bool(), "auto_delete", r.bool(), "internal", r.bool()));
    }

    /** source_name, destination_name, destination_kind, routing_key, arguments: the explicit bindings. */
    public List<Map<String, Object>> listBindings(String vhost) throws Exception {
        return list(LinkProtocol.LIST_BINDINGS, vhost, r -> {
            String source = r.shortStr();
            boolean toExchange = r.bool();
            return row("source_name", source, "destination_name", r.shortStr(), "destination_kind", toExchange ? "exchange" : "queue",
                    "routing_key", r.shortStr(), "arguments", FieldTables.readTable(r));
        });
    }

    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    @Override public void close() { link.close(); }
}
