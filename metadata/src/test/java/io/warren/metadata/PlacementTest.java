package io.warren.metadata;

import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.state.MetadataState;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Dedicated groups up to a per-node budget, the long tail in shared groups, the argument overriding both. */
class PlacementTest {
    private static MetadataState cluster(int nodes) {
        MetadataState s = new MetadataState();
        s.apply(new MetadataCommand.AddVhost("/"));
        for (int i = 1; i <= nodes; i++) s.apply(new MetadataCommand.AddNode(new NodeRecord("n" + i, "127.0.0.1:" + (7000 + i))));
        return s;
    }

    private static QueueRecord declare(MetadataState s, String name, String node, Map<String, Object> args) {
        CommandResult r = s.apply(new MetadataCommand.DeclareQueue("/", name, QueueType.QUORUM, true, false, false, args, node, null));
        return ((CommandResult.QueueDeclared) r).queue();
    }

    @Test
    void longTailGoesToFewSharedGroupsWithTheirLeadersSpread() {
        MetadataState s = cluster(3);
        int n = 1000;
        for (int i = 0; i < n; i++) declare(s, "q" + i, "n" + (1 + i % 3), Map.of());
        Map<String, Integer> perGroup = new HashMap<>();
        Map<String, List<String>> members = new HashMap<>();
        for (QueueRecord q : s.allQueues()) {
            perGroup.merge(q.groupId(), 1, Integer::sum);
            List<String> before = members.putIfAbsent(q.groupId(), q.members());
            if (before != null) assertEquals(before, q.members(), "queues of one group list its members alike");
        }
        long dedicated = perGroup.keySet().stream().filter(g -> g.startsWith("q")).count();
        assertTrue(dedicated > 0 && dedicated <= 8, "dedicated groups within the budget: " + dedicated);
        assertTrue(perGroup.size() < 50, "1000 queues in few groups: " + perGroup.size());
        Map<String, Integer> leaders = new HashMap<>();
        members.forEach((g, m) -> leaders.merge(m.get(0), 1, Integer::sum));
        assertEquals(3, leaders.size(), "every node leads some groups: " + leaders);
        assertTrue(perGroup.values().stream().allMatch(c -> c <= 256), "shared groups below capacity: " + perGroup);
    }

    @Test
    void argumentOverridesTheBudget() {
        MetadataState s = cluster(3);
        QueueRecord a = declare(s, "a", "n1", Map.of("x-queue-group", "shared"));
        QueueRecord b = declare(s, "b", "n1", Map.of("x-queue-group", "shared"));
        QueueRecord c = declare(s, "c", "n2", Map.of("x-queue-group", "shared"));
        QueueRecord d = declare(s, "d", "n1", Map.of());
        assertEquals(a.groupId(), b.groupId());
        assertNotEquals(a.groupId(), c.groupId(), "another leader, another shared group");
        assertEquals("n2", c.members().get(0));
        assertEquals("q" + d.id(), d.groupId(), "within the budget a queue gets its own group");
        for (int i = 0; i < 12; i++) declare(s, "x" + i, "n1", Map.of());
        QueueRecord e = declare(s, "e", "n1", Map.of("x-queue-group", "dedicated"));
        assertEquals("q" + e.id(), e.groupId(), "dedicated by argument beyond the budget");
        QueueRecord f = declare(s, "f", "n1", Map.of());
        assertTrue(f.groupId().startsWith("s"), "beyond the budget: shared");
    }

    /** A durable classic queue: a group of one member, its node; it outlives the node's restart, in-memory ones do not. */
    @Test
    void durableClassicQueueGetsAGroupOfOneOnItsNode() {
        MetadataState s = cluster(3);
        QueueRecord durable = ((CommandResult.QueueDeclared) s.apply(new MetadataCommand.DeclareQueue("/", "dc", QueueType.CLASSIC,
                true, false, false, Map.of(), "n2", null))).queue();
        QueueRecord transientQ = ((CommandResult.QueueDeclared) s.apply(new MetadataCommand.DeclareQueue("/", "tc", QueueType.CLASSIC,
                false, false, false, Map.of(), "n2", null))).queue();
        QueueRecord exclusive = ((CommandResult.QueueDeclared) s.apply(new MetadataCommand.DeclareQueue("/", "ec", QueueType.CLASSIC,
                true, true, false, Map.of(), "n2", "n2/1"))).queue();
        assertEquals(List.of("n2"), durable.members());
        assertTrue(durable.hasGroup());
        assertFalse(transientQ.hasGroup(), "a transient classic queue stays in memory");
        assertFalse(exclusive.hasGroup(), "an exclusive queue stays in memory, durable or not");
        s.apply(new MetadataCommand.NodeStarted("n2", false));
        assertNotNull(s.vhost("/").queue("dc"), "kept across its node's restart");
        assertNull(s.vhost("/").queue("tc"));
        assertNull(s.vhost("/").queue("ec"));
    }
}
