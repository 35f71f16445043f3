package io.warren.raft.queue;

import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;
import io.warren.storage.RocksStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Seeded random log streams — enqueues (whole and in pieces, some republished from a source with an origin, some of
 * those retries of one taken before), settles, returns, purges and deletions on several queues of one group — applied to fresh replicas must give the same replies and end in the same state, also for a
 * replica restored midway: one reopened from its store (a restart, with the log replayed from an earlier index, as
 * Ratis does), one installed from another's exported state (a follower behind the leader's log). The seed is printed
 * on failure and taken from -Dseed=.
 */
class GroupStateDeterminismTest {
    private static final int QUEUES = 4;
    private static final String GROUP = "5c1a0a52-7d3e-4f7a-9b43-0000000000a1";
    @TempDir Path dir;

    /** One log entry: a batch of ops, or (ops null) a deletion of {@code dropQueue} applied between entries. */
    private record Entry(List<QueueOp> ops, long dropQueue) { }

    /** A model of what each queue holds, so the stream settles and returns offsets that exist. */
    private static final class Model {
        final Map<Long, TreeSet<Long>> present = new HashMap<>();
        final Map<Long, Long> next = new HashMap<>();
        final TreeSet<Long> dropped = new TreeSet<>();
        /** What each queue took from the two sources, to know whether a republish is a copy. */
        final Map<Long, io.warren.metadata.queue.SeenOrigins> seen = new HashMap<>();
        /** Per source: the next offset it sends and its head. */
        final long[] sourceNext = new long[2], sourceHead = new long[2];
        long chunkIds;

        /** A dead-letter's origin: mostly a new offset of a source, sometimes one sent before (a retry). */
        Origin origin(Random r) {
            int s = r.nextInt(2);
            if (r.nextInt(4) == 0 && sourceNext[s] > sourceHead[s]) {
                return new Origin(100 + s, sourceHead[s] + r.nextInt((int) (sourceNext[s] - sourceHead[s])), sourceHead[s]);
            }
            if (r.nextInt(5) == 0) sourceHead[s] += r.nextInt(1 + (int) (sourceNext[s] - sourceHead[s])); // the source settled some
            long off = sourceNext[s]++;
            return new Origin(100 + s, off, Math.min(off, sourceHead[s]));
        }
    }

    private static List<Entry> stream(Random r, int entries) {
        Model m = new Model();
        List<Entry> out = new ArrayList<>();
        for (int e = 0; e < entries; e++) {
            long q = 1 + r.nextInt(QUEUES);
            if (q == QUEUES && r.nextInt(300) == 0 && !m.dropped.contains(q)) { // the last queue is deleted at some point (or not)
                m.dropped.add(q);
                out.add(new Entry(null, q));
                continue;
            }
            if (r.nextInt(40) == 0) { // a large message: one piece per entry, as the proposer sends them
                for (QueueOp piece : pieces(r, m, q)) out.add(new Entry(List.of(piece), 0));
                continue;
            }
            List<QueueOp> ops = new ArrayList<>();
            for (int k = 1 + r.nextInt(6); k > 0; k--) ops.addAll(randomOps(r, m, 1 + r.nextInt(QUEUES)));
            out.add(new Entry(ops, 0));
        }
        for (QueueOp piece : pieces(r, m, 1)) out.add(new Entry(List.of(piece), 0)); // one stays: queue 1 is never deleted
        long last = m.next.get(1L) - 1; // and that one is returned: whatever the seed, a returned message is left
        out.add(new Entry(List.of(new QueueOp.Return(1, new long[]{last})), 0));
        return out;
    }

    private static List<QueueOp> randomOps(Random r, Model m, long q) {
        TreeSet<Long> present = m.present.computeIfAbsent(q, k -> new TreeSet<>());
        boolean live = !m.dropped.contains(q); // ops for a deleted queue still arrive; they must have no effect
        int pick = r.nextInt(40);
        if (pick < 20 || present.isEmpty()) {
            byte[] body = new byte[r.nextInt(64)];
            r.nextBytes(body);
            Origin origin = r.nextInt(3) == 0 ? m.origin(r) : null;
            boolean copy = origin != null && m.seen.computeIfAbsent(q, k -> new io.warren.metadata.queue.SeenOrigins()).isCopy(origin);
            if (live && origin != null) m.seen.get(q).take(origin);
            if (live && !copy) present.add(m.next.merge(q, 1L, Long::sum) - 1);
            long ttl = r.nextInt(3) == 0 ? r.nextInt(1000) : -1; // time enters only through the entry: replicas agree on expiry
            int level = r.nextInt(4) == 0 ? r.nextInt(32) : -1;
            return List.of(new QueueOp.Enqueue(q, new Message("x", "k" + r.nextInt(3), new byte[]{0, 0}, body), ttl, level, origin));
        }
        long[] some = present.stream().filter(o -> r.nextInt(3) == 0).mapToLong(Long::longValue).limit(8).toArray();
        if (pick < 30) {
            for (long o : some) present.remove(o);
            return List.of(new QueueOp.Settle(q, some));
        }
        if (pick < 39) return List.of(new QueueOp.Return(q, some));
        long upTo = present.isEmpty() ? 0 : present.first() + r.nextInt(1 + (int) (present.last() - present.first()));
        long[] keep = present.headSet(upTo).stream().filter(o -> r.nextBoolean()).mapToLong(Long::longValue).toArray();
        TreeSet<Long> kept = new TreeSet<>();
        for (long o : keep) kept.add(o);
        present.removeIf(o -> o < upTo && !kept.contains(o));
        return List.of(new QueueOp.Purge(q, upTo, keep));
    }

    private static List<QueueOp> pieces(Random r, Model m, long q) {
        byte[] whole = new Message("", "big", new byte[]{0, 0}, bytes(r, 300)).encode();
        long id = ++m.chunkIds;
        List<QueueOp> pieces = new ArrayList<>();
        long ttl = r.nextBoolean() ? 5_000 : -1;
        int seq = 0;
        for (int from = 0; from < whole.length; from += 100, seq++) {
            byte[] part = java.util.Arrays.copyOfRange(whole, from, Math.min(whole.length, from + 100));
            pieces.add(new QueueOp.EnqueueChunk(q, id, seq, from + 100 >= whole.length, part, ttl, 9, null));
        }
        if (!m.dropped.contains(q)) m.present.computeIfAbsent(q, k -> new TreeSet<>()).add(m.next.merge(q, 1L, Long::sum) - 1);
        return pieces;
    }

    private static byte[] bytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** Applies entries [from, to) as log indexes from+1 ...; returns the replies (null: skipped, already stored). */
    private static List<String> apply(GroupState s, List<Entry> entries, int from, int to) {
        List<String> replies = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Entry e = entries.get(i);
            if (e.ops() == null) {
                s.dropQueue(e.dropQueue());
                replies.add("drop " + e.dropQueue());
                continue;
            }
            long time = 1_700_000_000_000L + i * 37L; // the leader's clock as the entry carries it
            byte[] reply = s.apply(1, i + 1, ByteBuffer.wrap(QueueOp.encodeBatch(e.ops(), time)), new ArrayList<>());
            replies.add(reply == null ? "skipped" : java.util.Arrays.toString(reply));
        }
        return replies;
    }

    @Test
    void replicasAgreeAcrossARestartAndAStateTransfer() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        AtomicLong budget = new AtomicLong(1 << 20);
        try (RocksStore a = new RocksStore(dir.resolve("a")); RocksStore b = new RocksStore(dir.resolve("b"));
             RocksStore c = new RocksStore(dir.resolve("c")); RocksStore d = new RocksStore(dir.resolve("d"))) {
            Random r = new Random(seed);
            List<Entry> entries = stream(r, 1500);
            int mid = 1 + r.nextInt(entries.size() - 2);
            int replayFrom = r.nextInt(mid + 1); // Ratis replays from the last snapshot: some entries come again

            GroupState straight = new GroupState(a, budget, GROUP);
            List<String> expected = apply(straight, entries, 0, entries.size());

            GroupState restarted = new GroupState(b, budget, GROUP);
            assertEquals(expected.subList(0, mid), apply(restarted, entries, 0, mid), "replies before the restart");
            restarted = new GroupState(b, budget, GROUP); // the in-memory view rebuilt from the store alone
            List<String> replayed = apply(restarted, entries, replayFrom, mid);
            for (int i = 0; i < replayed.size(); i++) {
                if (entries.get(replayFrom + i).ops() != null) {
                    assertEquals("skipped", replayed.get(i), "entry " + (replayFrom + i) + " applied twice after the restart");
                }
            }
            assertEquals(expected.subList(mid, entries.size()), apply(restarted, entries, mid, entries.size()), "replies after the restart");

            GroupState leader = new GroupState(c, budget, GROUP);
            apply(leader, entries, 0, mid);
            GroupState follower = new GroupState(d, budget, GROUP);
            apply(follower, entries, 0, replayFrom); // behind: what it has is replaced by the leader's state
            List<byte[]> chunks = new ArrayList<>();
            long at;
            try (RocksStore.View view = c.view()) {
                at = leader.export(view, chunks::add).getIndex();
            }
            follower.beginImport();
            chunks.forEach(follower::importChunk);
            follower.finishImport(at);
            assertEquals(leader.describe(), follower.describe(), "replica right after the transfer");
            List<String> after = apply(follower, entries, mid, entries.size());
            for (int i = 0; i < after.size(); i++) {
                int index = mid + i;
                if (index + 1 > at) assertEquals(expected.get(index), after.get(i), "reply to entry " + index + " after the transfer");
            }

            String want = straight.describe();
            assertTrue(want.contains(" origins 10"), "the stream should leave origins behind:\n" + want);
            assertTrue(java.util.regex.Pattern.compile(" dc [1-9]").matcher(want).find(), "the stream should leave messages behind, some returned:\n" + want);
            assertTrue(want.contains("big/"), "and a message put together from pieces");
            assertEquals(want, restarted.describe(), "restarted replica");
            assertEquals(want, follower.describe(), "replica installed from the leader's state");
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + " (rerun with -Dseed=" + seed + "): " + e.getMessage(), e);
        }
    }
}
