package io.warren.raft.link;

import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.NodeRecord;
import io.warren.metadata.model.PolicyRecord;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.port.Admin;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.port.Sessions;
import io.warren.raft.link.LinkCall.Op;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Every link call and its answer survive the codec; errors carry their kind; unknown envelopes are refused clearly. */
class LinkCodecTest {
    static final QueueRecord Q = new QueueRecord("/", "q", 7, QueueType.QUORUM, true, false, false, Map.of(), "g-1", "n1", null,
            List.of("n1", "n2"));
    static final Message M = new Message("x", "k", new byte[]{0, 0}, "hello".getBytes());

    static final Sessions.Snapshot SESSIONS = new Sessions.Snapshot(
            List.of(new Sessions.ConnectionInfo("n1/7", "n1", "AMQP 0-9-1", "guest", "/", "127.0.0.1", 40001, 1700000000000L, 2,
                    Map.of("product", "RabbitMQ"))),
            List.of(new Sessions.ChannelInfo("n1/7", 1, "guest", "/", "C", 10, 1, 3, 2)),
            List.of(new Sessions.ConsumerInfo("n1/7", 1, "/", "q", "amq.ctag-1", true, false, 10)));

    /** A call per op, with an answer of its type. */
    record Sample(LinkCall<?> call, Object answer) { }

    static Map<Op, Sample> samples() {
        List<Sample> all = List.of(
                new Sample(new LinkCall.Leader("g-1"), "n2"),
                new Sample(new LinkCall.Publish(Q, M), null),
                new Sample(new LinkCall.Publish(Q, M, new io.warren.metadata.port.Origin(4, 9, 2)), null),
                new Sample(new LinkCall.Get(Q, true), new Delivery(Q, 12, true, M, 3)),
                new Sample(new LinkCall.Get(Q, false, 77), new Delivery(Q, 13, false, M, 2)),
                new Sample(new LinkCall.Unget(Q, 77), null),
                new Sample(new LinkCall.Settle(Op.SETTLE, Q, new long[]{1, 2}), null),
                new Sample(new LinkCall.Settle(Op.REQUEUE, Q, new long[]{3}), null),
                new Sample(new LinkCall.Settle(Op.RETRY, Q, new long[]{4, 5}), null),
                new Sample(new LinkCall.Settle(Op.DISCARD, Q, new long[]{}), null),
                new Sample(new LinkCall.Purge(Q), 9L),
                new Sample(new LinkCall.Stats(Q), new QueueStats(5, 4, 1, 2)),
                new Sample(new LinkCall.Declared(Q), new QueueStats(3, 3, 0, 0)),
                new Sample(new LinkCall.Status(), new Admin.ClusterStatus("n1", List.of(new Admin.Member("n1", "h:1", true),
                        new Admin.Member("n2", "h:2", false)))),
                new Sample(new LinkCall.Join(new NodeRecord("n4", "h:4")), List.of(new NodeRecord("n1", "h:1"), new NodeRecord("n4", "h:4"))),
                new Sample(new LinkCall.JoinCommit(new NodeRecord("n4", "h:4")), null),
                new Sample(new LinkCall.Forget("n4"), null),
                new Sample(new LinkCall.ExportMetadata(), new byte[]{1, 2, 3}),
                new Sample(new LinkCall.MetadataApplied(1234), null),
                new Sample(new LinkCall.SetPolicy(new PolicyRecord("/", "ha", "^q", "queues", Map.of("ha-mode", "all"), 1)), null),
                new Sample(new LinkCall.ClearPolicy("/", "ha"), null),
                new Sample(new LinkCall.ListPolicies("/"), List.of(new PolicyRecord("/", "ha", "^q", "all", Map.of(), 0))),
                new Sample(new LinkCall.SetOperatorPolicy(new PolicyRecord("/", "cap", ".*", "queues", Map.of("max-length", 10), 1)), null),
                new Sample(new LinkCall.ClearOperatorPolicy("/", "cap"), null),
                new Sample(new LinkCall.SetDefaultQueueType("/", "classic"), null),
                new Sample(new LinkCall.ListOperatorPolicies("/"), List.of(new PolicyRecord("/", "cap", ".*", "queues", Map.of("expires", 60_000), 0))),
                new Sample(new LinkCall.ListQueues("/"), List.of(new Admin.QueueInfo(Q, "n1", List.of("n1"), new QueueStats(1, 1, 0, 0)),
                        new Admin.QueueInfo(Q, "", List.of(), null))),
                new Sample(new LinkCall.ListExchanges("/"), List.of(new ExchangeRecord("/", "x", ExchangeType.HEADERS, true, false, false, Map.of()))),
                new Sample(new LinkCall.ListBindings("/"), List.of(new BindingRecord("/", "x", false, "q", "k", Map.of("a", 1)))),
                new Sample(new LinkCall.LocalSessions(), SESSIONS),
                new Sample(new LinkCall.ListSessions(), Sessions.Snapshot.EMPTY),
                new Sample(new LinkCall.Manage("PUT", List.of("users", "a/b"), Map.of("page", "2"), "{\"tags\":\"\"}".getBytes()),
                        new LinkCall.Managed(201, new byte[0])),
                new Sample(new LinkCall.CloseConnection("n1/7", "maintenance"), true),
                new Sample(new LinkCall.ConnectionCounts(), new Sessions.Counts(Map.of("/", 3, "v2", 1), Map.of("guest", 4), Map.of("guest", 9))),
                new Sample(new LinkCall.ServedQueues("/"), Map.of(7L, new QueueStats(3, 2, 1, 4), 9L, new QueueStats(0, 0, 0, 0))));
        Map<Op, Sample> m = new EnumMap<>(Op.class);
        for (Sample s : all) m.put(s.call().op(), s);
        return m;
    }

    @Test
    void everyCallAndAnswerRoundTrips() {
        Map<Op, Sample> samples = samples();
        assertEquals(Set.of(Op.values()), samples.keySet(), "a sample for every op");
        for (Sample s : samples.values()) {
            byte[] request = LinkCodec.encode(s.call());
            LinkCall<?> back = LinkCodec.decode(request);
            assertEquals(s.call().op(), back.op());
            if (s.call() instanceof LinkCall.Publish p) assertEquals(p.origin(), ((LinkCall.Publish) back).origin(), "the origin");
            if (s.call() instanceof LinkCall.Get g) assertEquals(g.requestId(), ((LinkCall.Get) back).requestId(), "the request id");
            if (s.call() instanceof LinkCall.Unget u) assertEquals(u, back);
            assertArrayEquals(request, LinkCodec.encode(back), "re-encoded " + s.call());
            byte[] answer = LinkCodec.answer(back, s.answer());
            Object read = LinkCodec.readAnswer(s.call(), answer);
            assertArrayEquals(answer, LinkCodec.answer(back, read), "re-encoded answer to " + s.call().op());
            if (s.call() instanceof LinkCall.Manage m) {
                LinkCall.Manage mb = (LinkCall.Manage) back;
                assertEquals(List.of(m.method(), m.path(), m.query()), List.of(mb.method(), mb.path(), mb.query()));
                assertArrayEquals(m.body(), mb.body());
            }
            if (s.answer() instanceof byte[] b) assertArrayEquals(b, (byte[]) read);
            else if (s.answer() instanceof LinkCall.Managed m) {
                assertEquals(m.status(), ((LinkCall.Managed) read).status());
                assertArrayEquals(m.body(), ((LinkCall.Managed) read).body());
            }
            else if (!(s.answer() instanceof Delivery)) assertEquals(s.answer(), read, "answer to " + s.call().op());
        }
    }

    @Test
    void deliveriesKeepTheirMessage() {
        Delivery d = (Delivery) LinkCodec.readAnswer(new LinkCall.Get(Q, false), LinkCodec.answer(new LinkCall.Get(Q, false),
                new Delivery(Q, 12, true, M, 3)));
        assertEquals(12, d.offset());
        assertTrue(d.redelivered());
        assertEquals(3, d.messageCount());
        assertArrayEquals(M.body(), d.message().body());
        assertNull(LinkCodec.readAnswer(new LinkCall.Get(Q, false), LinkCodec.answer(new LinkCall.Get(Q, false), null)));
    }

    @Test
    void errorsCarryTheirKind() {
        byte[] answer = LinkCodec.error(DomainException.locked("queue 'q' is locked"));
        var e = assertThrows(DomainException.class, () -> LinkCodec.readAnswer(new LinkCall.Purge(Q), answer));
        assertEquals(DomainException.Kind.RESOURCE_LOCKED, e.kind());
        assertEquals("queue 'q' is locked", e.getMessage());
        var internal = assertThrows(DomainException.class, () -> LinkCodec.readAnswer(new LinkCall.Purge(Q),
                LinkCodec.error(new IllegalStateException("boom"))));
        assertEquals(DomainException.Kind.INTERNAL, internal.kind());
    }

    @Test
    void unknownEnvelopesAndOpsAreRefusedClearly() {
        byte[] request = LinkCodec.encode(new LinkCall.Forget("n4"));
        byte[] newer = request.clone();
        newer[0] = (byte) (LinkCodec.VERSION + 1);
        var e = assertThrows(DomainException.class, () -> LinkCodec.decode(newer));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
        byte[] unknownOp = request.clone();
        unknownOp[1] = (byte) 250;
        assertThrows(RuntimeException.class, () -> LinkCodec.decode(unknownOp));
        assertTrue(Arrays.stream(Op.values()).map(Op::code).distinct().count() == Op.values().length, "op codes are unique");
        List<Integer> frames = new ArrayList<>();
        for (var f : LinkProtocol.ToQueue.values()) frames.add(f.code());
        assertEquals(frames.size(), frames.stream().distinct().count());
    }
}
