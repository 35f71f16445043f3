package io.warren.metadata;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.codec.FieldTables;
import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.model.UserRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class CodecTest {
    @Test
    void fieldTablesRoundTripEveryType() {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("s", "text");
        t.put("b", true);
        t.put("byte", (byte) -1);
        t.put("short", (short) -2);
        t.put("int", 3);
        t.put("long", 4L);
        t.put("float", 5.5f);
        t.put("double", 6.25);
        t.put("dec", new BigDecimal("-7.89"));
        t.put("bytes", new byte[]{1, 2});
        t.put("date", new Date(1_000_000_000_000L));
        t.put("list", List.of(1, "x", List.of()));
        t.put("map", Map.of("k", Map.of("deep", 1L)));
        t.put("void", null);
        Map<String, Object> back = FieldTables.decode(FieldTables.encode(t));
        assertTrue(FieldTables.valueEquals(t, back), back.toString());
        assertArrayEquals(FieldTables.encode(t), FieldTables.encode(back), "re-encoding is byte-identical");
    }

    @Test
    void tablesLyingAboutTheirLengthAreMalformed() {
        byte[] b = FieldTables.encode(Map.of("k", "v"));
        b[0] = 0x7f;
        assertThrows(BinaryReader.MalformedException.class, () -> FieldTables.decode(b));
    }

    @Test
    void deepNestingIsRefused() {
        Object v = "leaf";
        for (int i = 0; i < FieldTables.MAX_DEPTH + 5; i++) v = Map.of("n", v);
        byte[] b = FieldTables.encode(Map.of("root", v));
        assertThrows(BinaryReader.MalformedException.class, () -> FieldTables.decode(b));
    }

    @Test
    void commandsRoundTrip() {
        List<MetadataCommand> cmds = List.of(
                new MetadataCommand.AddVhost("v"),
                new MetadataCommand.PutUser(new UserRecord("u", new byte[]{1, 2, 3, 4, 5}, Set.of("administrator"), true)),
                new MetadataCommand.SetPermission(new Permission("u", "v", "^a", ".*", "")),
                new MetadataCommand.DeclareExchange(new ExchangeRecord("v", "x", ExchangeType.TOPIC, true, false, false, Map.of("alternate-exchange", "ae"))),
                new MetadataCommand.DeleteExchange("v", "x", true),
                new MetadataCommand.DeclareQueue("v", "q", QueueType.QUORUM, true, false, false, Map.of("x-max-length", 10), "n1", null),
                new MetadataCommand.DeleteQueue("v", "q", 7),
                new MetadataCommand.Bind(new BindingRecord("v", "x", false, "q", "a.*", Map.of("x-match", "any"))),
                new MetadataCommand.Unbind(new BindingRecord("v", "x", true, "y", "", Map.of())),
                new MetadataCommand.DropExclusiveQueues("n1/42"),
                new MetadataCommand.NodeStarted("n1", true));
        for (MetadataCommand c : cmds) {
            MetadataCommand back = CommandCodec.decode(CommandCodec.encode(c));
            assertArrayEquals(CommandCodec.encode(c), CommandCodec.encode(back), c.toString());
        }
    }

    @Test
    void resultsRoundTrip() {
        CommandResult r = new CommandResult.Refused(DomainException.Kind.RESOURCE_LOCKED, "locked");
        assertEquals(r, CommandCodec.decodeResult(CommandCodec.encodeResult(r)));
        assertEquals(CommandResult.OK, CommandCodec.decodeResult(CommandCodec.encodeResult(CommandResult.OK)));
    }

    @Test
    void shortStringsLongerThan255BytesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new BinaryWriter().shortStr("x".repeat(256)));
    }
}
