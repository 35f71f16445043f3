package io.warren.metadata;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.StableCode;
import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.PasswordHash;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.model.UserRecord;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.model.HashingAlgorithm;
import io.warren.metadata.model.TopicPermission;

import static org.junit.jupiter.api.Assertions.*;

/** Every metadata command and result kind survives its codec; codes are unique and unknown ones are refused. */
class CommandCodecRoundTripTest {
    static final QueueRecord QUEUE = new QueueRecord("/", "q", 7, QueueType.QUORUM, true, false, false, Map.of("x-max-length", 5),
            "g-1", "n1", null, List.of("n1", "n2", "n3"));

    static Map<MetadataCommand.Kind, MetadataCommand> samples() {
        Map<MetadataCommand.Kind, MetadataCommand> m = new EnumMap<>(MetadataCommand.Kind.class);
        List<MetadataCommand> all = List.of(
                new MetadataCommand.AddVhost("/v"),
                new MetadataCommand.PutUser(new UserRecord("u", PasswordHash.hash("p"), Set.of("administrator", "monitoring"), true)),
                new MetadataCommand.SetPermission(new Permission("u", "/v", ".*", "^x", "")),
                new MetadataCommand.DeclareExchange(new ExchangeRecord("/v", "x", ExchangeType.TOPIC, true, false, true,
                        Map.of("alternate-exchange", "ae"))),
                new MetadataCommand.DeleteExchange("/v", "x", true),
                new MetadataCommand.DeclareQueue("/v", "q", QueueType.CLASSIC, true, true, false, Map.of("x-queue-type", "classic"), "n1", "n1/c7"),
                new MetadataCommand.DeleteQueue("/v", "q", 42),
                new MetadataCommand.Bind(new BindingRecord("/v", "x", false, "q", "a.#", Map.of("x-match", "any"))),
                new MetadataCommand.Unbind(new BindingRecord("/v", "x", true, "y", "", Map.of())),
                new MetadataCommand.DropExclusiveQueues("n1/c7"),
                new MetadataCommand.NodeStarted("n1", true),
                new MetadataCommand.AddNode(new NodeRecord("n4", "10.0.0.4:25672")),
                new MetadataCommand.RemoveNode("n4"),
                new MetadataCommand.SetPolicy(new PolicyRecord("/v", "ha", "^q", "queues", Map.of("ha-mode", "all"), 3)),
                new MetadataCommand.SetOperatorPolicy(new PolicyRecord("/v", "cap", ".*", "queues", Map.of("max-length", 100), 1)),
                new MetadataCommand.ClearOperatorPolicy("/v", "cap"),
                new MetadataCommand.SetVhostDefaultQueueType("/v", QueueType.CLASSIC),
                new MetadataCommand.ClearPolicy("/v", "ha"),
                new MetadataCommand.PutUser(new UserRecord("m", PasswordHash.hash("p", HashingAlgorithm.MD5), Set.of(), false, HashingAlgorithm.MD5)),
                new MetadataCommand.DeleteUser("u"),
                new MetadataCommand.SetGlobalParameter("cluster_name", "\"prod\""),
                new MetadataCommand.ClearPermission("u", "/v"),
                new MetadataCommand.DeleteVhost("/v"),
                new MetadataCommand.SetVhostMetadata("/v", "the team's vhost", List.of("prod", "eu")),
                new MetadataCommand.SetTopicPermission(new TopicPermission("u", "/v", "amq.topic", "^{username}\\.", ".*")),
                new MetadataCommand.ClearTopicPermission("u", "/v", ""),
                new MetadataCommand.SetLimits(MetadataCommand.LimitScope.VHOST, "/v", Map.of("max-connections", 10L, "max-queues", -1L)));
        for (MetadataCommand c : all) m.put(c.kind(), c);
        m.put(MetadataCommand.Kind.PUT_USER, legacyPutUser());
        return m;
    }

    /** A user as logs written before PUT_USER_HASHED hold it: version, tag 2, name, hash, loopback flag, tags. */
    static MetadataCommand legacyPutUser() {
        byte[] hash = PasswordHash.hash("old");
        BinaryWriter w = new BinaryWriter().u8(CommandCodec.VERSION).u8(MetadataCommand.Kind.PUT_USER.code()).shortStr("old")
                .longBytes(hash).bool(true).i32(1).shortStr("monitoring");
        return CommandCodec.decode(w.toByteArray());
    }

    @Test
    void aUserFromAnOlderLogKeepsItsSha256Password() {
        MetadataCommand.PutUser c = (MetadataCommand.PutUser) legacyPutUser();
        assertEquals(HashingAlgorithm.SHA256, c.user().algorithm());
        assertTrue(c.user().checkPassword("old"));
        assertFalse(c.user().checkPassword("new"));
        assertEquals(Set.of("monitoring"), c.user().tags());
    }

    @Test
    void importedHashesOfEachAlgorithmCheckTheirPasswords() {
        for (HashingAlgorithm a : HashingAlgorithm.values()) {
            UserRecord u = new UserRecord("x", PasswordHash.hash("s3cret", a), Set.of(), false, a);
            MetadataCommand.PutUser back = (MetadataCommand.PutUser) CommandCodec.decode(CommandCodec.encode(new MetadataCommand.PutUser(u)));
            assertTrue(back.user().checkPassword("s3cret"), a.rabbitName());
            assertFalse(back.user().checkPassword("s3cret "), a.rabbitName());
        }
        assertFalse(new UserRecord("nopw", new byte[0], Set.of(), false).checkPassword(""), "no password: no password login");
    }

    @Test
    void everyCommandKindRoundTrips() {
        Map<MetadataCommand.Kind, MetadataCommand> samples = samples();
        assertEquals(Set.of(MetadataCommand.Kind.values()), samples.keySet(), "a sample for every command kind");
        for (MetadataCommand c : samples.values()) {
            byte[] once = CommandCodec.encode(c);
            MetadataCommand back = CommandCodec.decode(once);
            assertEquals(c.kind(), back.kind());
            if (c.kind() == MetadataCommand.Kind.PUT_USER) continue; // decoded from old bytes; written as PUT_USER_HASHED now
            assertArrayEquals(once, CommandCodec.encode(back), "re-encoded " + c);
            if (!(c instanceof MetadataCommand.PutUser)) assertEquals(c, back); // a user's hash is an array: compared as bytes above
        }
    }

    @Test
    void everyResultKindRoundTrips() {
        List<CommandResult> all = List.of(CommandResult.OK, new CommandResult.QueueDeclared(QUEUE, true),
                new CommandResult.QueuesDeleted(List.of(QUEUE)), new CommandResult.Refused(DomainException.Kind.RESOURCE_LOCKED, "locked"));
        Set<CommandResult.Kind> seen = new HashSet<>();
        for (CommandResult r : all) {
            seen.add(r.kind());
            assertEquals(r, CommandCodec.decodeResult(CommandCodec.encodeResult(r)));
        }
        assertEquals(Set.of(CommandResult.Kind.values()), seen, "a sample for every result kind");
    }

    @Test
    void codesAreUniqueAndUnknownOnesRefused() {
        for (StableCode[] values : List.<StableCode[]>of(MetadataCommand.Kind.values(), CommandResult.Kind.values(),
                DomainException.Kind.values(), QueueType.values())) {
            Set<Integer> codes = new HashSet<>();
            for (StableCode v : values) assertTrue(codes.add(v.code()), "duplicate code " + v.code() + " in " + v.getClass());
        }
        assertThrows(BinaryReader.MalformedException.class, () -> CommandCodec.decode(new byte[]{CommandCodec.VERSION, (byte) 200}));
        assertThrows(BinaryReader.MalformedException.class, () -> CommandCodec.decodeResult(new byte[]{(byte) 99}));
        assertThrows(BinaryReader.MalformedException.class, () -> DomainException.Kind.ofCode(77));
    }
}
