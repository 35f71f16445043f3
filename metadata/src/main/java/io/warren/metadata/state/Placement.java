package io.warren.metadata.state;

import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.QueueRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a new quorum queue's group lives: {@code x-quorum-initial-group-size} members (default 3, capped by
 * the cluster size), the fewest-loaded nodes first; the leader by {@code x-queue-leader-locator}:
 * {@code client-local} (the declaring node, RabbitMQ's default) or {@code balanced} (the node leading the
 * fewest queues). Deterministic: a function of the metadata state and the command only.
 */
final class Placement {
    static final int DEFAULT_GROUP_SIZE = 3;

    private Placement() { }

    static List<String> members(MetadataState s, Map<String, Object> args, String declaringNode) {
        List<String> nodes = new ArrayList<>();
        for (NodeRecord n : s.nodes()) nodes.add(n.name());
        if (nodes.isEmpty()) return List.of(declaringNode);
        int size = Math.min(nodes.size(), Math.max(1, intArg(args.get("x-quorum-initial-group-size"), DEFAULT_GROUP_SIZE)));
        Map<String, Integer> memberships = new HashMap<>();
        Map<String, Integer> leaderships = new HashMap<>();
        for (QueueRecord q : s.allQueues()) {
            for (String m : q.members()) memberships.merge(m, 1, Integer::sum);
            if (!q.members().isEmpty()) leaderships.merge(q.members().get(0), 1, Integer::sum);
        }
        Object locator = args.get("x-queue-leader-locator");
        String leader;
        if (!"balanced".equals(locator == null ? null : locator.toString()) && nodes.contains(declaringNode)) {
            leader = declaringNode;
        } else {
            leader = nodes.stream().min(Comparator.comparingInt((String n) -> leaderships.getOrDefault(n, 0))
                    .thenComparingInt(n -> memberships.getOrDefault(n, 0)).thenComparing(n -> n)).orElseThrow();
        }
        List<String> out = new ArrayList<>();
        out.add(leader);
        nodes.stream().filter(n -> !n.equals(leader))
                .sorted(Comparator.comparingInt((String n) -> memberships.getOrDefault(n, 0)).thenComparing(n -> n))
                .limit(size - 1L).forEach(out::add);
        return out;
    }

    private static int intArg(Object v, int dflt) {
        if (v instanceof Number n) return n.intValue();
        if (v != null) {
            try { return Integer.parseInt(v.toString()); } catch (NumberFormatException e) { return dflt; }
        }
        return dflt;
    }
}
