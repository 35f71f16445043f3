package io.warren.metadata;

import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.PasswordHash;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.state.MetadataState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Seeded random command streams applied to two fresh state machines, one of them snapshotted and restored
 * midway, must give identical results and end in identical state. The seed is printed on failure and taken
 * from -Dseed=.
 */
class MetadataDeterminismTest {
    private static MetadataCommand randomCommand(Random r) {
        String v = r.nextInt(4) == 0 ? "v2" : "/";
        String x = "x" + r.nextInt(6);
        String q = "q" + r.nextInt(8);
        ExchangeType[] types = ExchangeType.values();
        String user = "u" + r.nextInt(4);
        String node = "n" + r.nextInt(4);
        return switch (r.nextInt(26)) {
            case 0 -> new MetadataCommand.AddVhost(v);
            case 1 -> new MetadataCommand.DeclareExchange(new ExchangeRecord(v, x, types[r.nextInt(types.length)], r.nextBoolean(),
                    r.nextBoolean(), false, Map.of()));
            case 2 -> new MetadataCommand.DeleteExchange(v, x, r.nextBoolean());
            case 3 -> new MetadataCommand.DeclareQueue(v, q, r.nextBoolean() ? QueueType.QUORUM : QueueType.CLASSIC, r.nextBoolean(),
                    r.nextInt(4) == 0, r.nextBoolean(), r.nextBoolean() ? Map.of() : Map.of("x-max-length", r.nextInt(3)), "n" + r.nextInt(2),
                    "n1/" + r.nextInt(3));
            case 4 -> new MetadataCommand.DeleteQueue(v, q, 0);
            case 5 -> new MetadataCommand.Bind(new BindingRecord(v, x, r.nextBoolean(), r.nextBoolean() ? q : "x" + r.nextInt(6),
                    "k" + r.nextInt(3), Map.of()));
            case 6 -> new MetadataCommand.Unbind(new BindingRecord(v, x, r.nextBoolean(), r.nextBoolean() ? q : "x" + r.nextInt(6),
                    "k" + r.nextInt(3), Map.of()));
            case 7 -> new MetadataCommand.DropExclusiveQueues("n1/" + r.nextInt(3));
            case 8 -> new MetadataCommand.PutUser(new UserRecord(user, PasswordHash.hash("p" + r.nextInt(3)),
                    r.nextBoolean() ? Set.of("administrator") : Set.of("monitoring", "management"), r.nextBoolean()));
            case 9 -> new MetadataCommand.SetPermission(new Permission(user, v, r.nextBoolean() ? ".*" : "^q", "^x", r.nextBoolean() ? "" : ".*"));
            case 10 -> new MetadataCommand.SetPolicy(new PolicyRecord(v, "p" + r.nextInt(3), r.nextBoolean() ? "^q" : ".*",
                    r.nextBoolean() ? "all" : "queues", r.nextBoolean() ? Map.of("ha-mode", "all") : Map.of("max-length", r.nextInt(5)),
                    r.nextInt(3)));
            case 11 -> new MetadataCommand.ClearPolicy(v, "p" + r.nextInt(3));
            case 12 -> new MetadataCommand.AddNode(new NodeRecord(node, "127.0.0.1:" + (25672 + r.nextInt(4))));
            case 13 -> new MetadataCommand.RemoveNode(r.nextBoolean() ? "n3" : "n9"); // n0-n2 stay once added
            case 14 -> new MetadataCommand.SetOperatorPolicy(new PolicyRecord(v, "o" + r.nextInt(2), ".*", "queues",
                    Map.of("max-length", r.nextInt(5)), r.nextInt(2)));
            case 15 -> new MetadataCommand.ClearOperatorPolicy(v, "o" + r.nextInt(2));
            case 16 -> new MetadataCommand.SetVhostDefaultQueueType(v, switch (r.nextInt(3)) {
                case 0 -> QueueType.QUORUM;
                case 1 -> QueueType.CLASSIC;
                default -> null;
            });
            case 17 -> r.nextInt(3) == 0 ? new MetadataCommand.DeleteUser(user) // rarer than puts: the stream must leave users behind
                    : new MetadataCommand.PutUser(new UserRecord(user, PasswordHash.hash("q"), Set.of(), false));
            case 18 -> r.nextInt(3) == 0 ? new MetadataCommand.ClearPermission(user, v)
                    : new MetadataCommand.SetPermission(new Permission(user, v, ".*", ".*", ".*"));
            case 19 -> r.nextInt(4) == 0 ? new MetadataCommand.DeleteVhost("v2") : new MetadataCommand.AddVhost("v2");
            case 20 -> new MetadataCommand.SetVhostMetadata(v, "d" + r.nextInt(2), r.nextBoolean() ? List.of() : List.of("t"));
            case 21 -> new MetadataCommand.SetTopicPermission(new io.warren.metadata.model.TopicPermission(user, v, x, "^a", r.nextBoolean() ? "" : ".*"));
            case 22 -> new MetadataCommand.ClearTopicPermission(user, v, r.nextBoolean() ? "" : x);
            case 23 -> new MetadataCommand.SetLimits(r.nextBoolean() ? MetadataCommand.LimitScope.VHOST : MetadataCommand.LimitScope.USER,
                    r.nextBoolean() ? v : user, r.nextBoolean() ? Map.of() : Map.of("max-connections", (long) r.nextInt(3)));
            case 24 -> new MetadataCommand.SetGlobalParameter("p" + r.nextInt(2), r.nextInt(3) == 0 ? null : "\"v" + r.nextInt(2) + "\"");
            default -> new MetadataCommand.NodeStarted("n" + r.nextInt(2), r.nextBoolean());
        };
    }

    @Test
    void twoReplicasAgreeAcrossASnapshot() {
        long seed = Long.getLong("seed", System.nanoTime());
        try {
            Random r = new Random(seed);
            List<MetadataCommand> cmds = new ArrayList<>();
            cmds.add(new MetadataCommand.AddVhost("/"));
            for (int i = 0; i < 3000; i++) cmds.add(randomCommand(r));
            MetadataState a = new MetadataState();
            MetadataState b = new MetadataState();
            int snapshotAt = 1 + r.nextInt(cmds.size() - 1);
            boolean hadPolicies = false; // a stream may clear every policy again by its end: what counts is that it had some
            for (int i = 0; i < cmds.size(); i++) {
                if (i == snapshotAt) b = CommandCodec.decodeState(CommandCodec.encodeState(b));
                MetadataCommand c = CommandCodec.decode(CommandCodec.encode(cmds.get(i)));
                CommandResult ra = a.apply(c);
                CommandResult rb = b.apply(c);
                assertArrayEquals(CommandCodec.encodeResult(ra), CommandCodec.encodeResult(rb), "result of command " + i + ": " + c);
                hadPolicies |= c instanceof MetadataCommand.SetPolicy && a.vhosts().stream().anyMatch(x -> x.policies().iterator().hasNext());
            }
            assertEquals(canonical(a), canonical(b));
            assertFalse(a.allQueues().isEmpty() && a.allBindings().isEmpty(), "the stream should leave some state behind");
            assertFalse(a.users().isEmpty() || a.permissions().isEmpty() || a.nodes().isEmpty(), "users, permissions and nodes too");
            assertTrue(hadPolicies, "and policies");
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + " (rerun with -Dseed=" + seed + "): " + e.getMessage(), e);
        }
    }

    /** Order-independent rendering of a state. */
    private static String canonical(MetadataState s) {
        List<String> l = new ArrayList<>();
        s.vhosts().forEach(v -> {
            l.add("vhost " + v.name() + " default " + v.defaultQueueType() + " " + v.description() + " " + v.tags()
                    + " " + new java.util.TreeMap<>(v.limits()));
            v.exchanges().forEach(x -> l.add("x " + x));
            v.queues().forEach(q -> l.add("q " + q));
        });
        s.allBindings().forEach(b -> l.add("b " + b));
        s.vhosts().forEach(v -> v.policies().forEach(p -> l.add("policy " + p)));
        s.vhosts().forEach(v -> v.operatorPolicies().forEach(p -> l.add("operator policy " + p)));
        s.users().forEach(u -> l.add("user " + u.name() + " " + java.util.HexFormat.of().formatHex(u.passwordHash()) + " "
                + new java.util.TreeSet<>(u.tags()) + " " + u.loopbackOnly()));
        s.permissions().forEach(p -> l.add("permission " + p));
        s.access().topicPermissions().forEach(p -> l.add("topic permission " + p));
        s.users().forEach(u -> l.add("limits " + u.name() + " " + new java.util.TreeMap<>(s.access().userLimits(u.name()))));
        s.nodes().forEach(n -> l.add("node " + n));
        s.globalParameters().forEach((k, v) -> l.add("global " + k + "=" + v));
        l.add("next " + s.nextQueueId());
        l.sort(String::compareTo);
        return String.join("\n", l);
    }
}
