package io.warren.metadata.state;

import io.warren.metadata.model.GroupMode;
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
 * fewest queues); whether that is a group of its own or a shared one. A durable classic queue gets a group of one
 * member, its node, by the same rules. Deterministic: a function of the metadata state and the command only.
 */
final class Placement {
    static final int DEFAULT_GROUP_SIZE = 3;

    private Placement() { }

    /**
     * Dedicated groups a node carries (as a member) before further quorum queues go to shared groups. A Ratis
     * group costs threads, heartbeats and memory on every member (DESIGN.md, "Raft groups"), so the long tail
     * of queues shares a few groups instead; {@code x-queue-group} (argument) or {@code queue-group} (policy)
     * set to {@code dedicated} or {@code shared} overrides the budget for a queue.
     */
    static final int DEDICATED_GROUP_BUDGET = 8;
    /** Queues one shared group hosts before another one with the same members is started. */
    static final int SHARED_GROUP_CAPACITY = 256;
    static final String DEDICATED_PREFIX = "q";
    static final String SHARED_PREFIX = "s";

    /** A queue's group: its id ({@code q<queue id>} dedicated, {@code s<id>} shared) and members, leader first. */
    record Group(String id, List<String> members) { }

    /** The group of a new queue whose members are {@code members} (from {@link #members}, or the one node of a durable classic queue). */
    static Group group(MetadataState s, long queueId, Map<String, Object> args, io.warren.metadata.model.PolicyRecord policy,
                       List<String> members) {
        Map<String, Integer> dedicatedPerNode = new HashMap<>();
        Map<String, Integer> sharedLoad = new HashMap<>();
        Map<String, List<String>> sharedMembers = new HashMap<>();
        for (QueueRecord q : s.allQueues()) {
            if (!q.hasGroup()) continue;
            if (q.groupId().startsWith(DEDICATED_PREFIX)) {
                for (String m : q.members()) dedicatedPerNode.merge(m, 1, Integer::sum);
            } else {
                sharedLoad.merge(q.groupId(), 1, Integer::sum);
                sharedMembers.putIfAbsent(q.groupId(), q.members());
            }
        }
        GroupMode mode = GroupMode.of(args.get(GroupMode.ARGUMENT));
        if (mode == null && policy != null) mode = GroupMode.of(policy.definition().get(GroupMode.POLICY_KEY));
        if (mode == null) {
            boolean withinBudget = members.stream().allMatch(m -> dedicatedPerNode.getOrDefault(m, 0) < DEDICATED_GROUP_BUDGET);
            mode = withinBudget ? GroupMode.DEDICATED : GroupMode.SHARED;
        }
        if (mode == GroupMode.DEDICATED) return new Group(DEDICATED_PREFIX + queueId, members);
        // a shared group with the same members and the same leader: the least full one below capacity
        return sharedMembers.entrySet().stream()
                .filter(e -> e.getValue().size() == members.size() && e.getValue().get(0).equals(members.get(0))
                        && e.getValue().containsAll(members) && sharedLoad.get(e.getKey()) < SHARED_GROUP_CAPACITY)
                .min(Comparator.comparingInt((Map.Entry<String, List<String>> e) -> sharedLoad.get(e.getKey()))
                        .thenComparing(Map.Entry::getKey))
                .map(e -> new Group(e.getKey(), e.getValue()))
                .orElseGet(() -> new Group(SHARED_PREFIX + queueId, members));
    }

    static List<String> members(MetadataState s, Map<String, Object> args, io.warren.metadata.model.PolicyRecord policy,
                                String declaringNode) {
        List<String> nodes = new ArrayList<>();
        for (NodeRecord n : s.nodes()) nodes.add(n.name());
        if (nodes.isEmpty()) return List.of(declaringNode);
        int size = Math.min(nodes.size(), Math.max(1, groupSize(args, policy, nodes.size())));
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

    /**
     * The argument if given; else a policy's {@code ha-mode} (the classic mirroring keys, still honoured:
     * {@code all} = every node, {@code exactly} = {@code ha-params} members, {@code nodes} = as many as listed);
     * else 3.
     */
    static int groupSize(Map<String, Object> args, io.warren.metadata.model.PolicyRecord policy, int clusterSize) {
        if (args.containsKey("x-quorum-initial-group-size")) return intArg(args.get("x-quorum-initial-group-size"), DEFAULT_GROUP_SIZE);
        if (policy != null) {
            Map<String, Object> d = policy.definition();
            Object mode = d.get("ha-mode");
            if (mode != null) {
                switch (mode.toString()) {
                    case "all": return clusterSize;
                    case "exactly": return intArg(d.get("ha-params"), DEFAULT_GROUP_SIZE);
                    case "nodes": return d.get("ha-params") instanceof List<?> l ? l.size() : DEFAULT_GROUP_SIZE;
                    default: break;
                }
            }
            if (d.containsKey("initial-cluster-size")) return intArg(d.get("initial-cluster-size"), DEFAULT_GROUP_SIZE);
        }
        return DEFAULT_GROUP_SIZE;
    }

    private static int intArg(Object v, int dflt) {
        if (v instanceof Number n) return n.intValue();
        if (v != null) {
            try { return Integer.parseInt(v.toString()); } catch (NumberFormatException e) { return dflt; }
        }
        return dflt;
    }
}
