package io.warren.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class RocksStoreTest {
    @TempDir Path dir;

    @Test
    void batchesScansRangeDeletesAndReopen() throws Exception {
        try (RocksStore s = new RocksStore(dir)) {
            try (RocksStore.Batch b = s.batch()) {
                for (long i = 0; i < 10; i++) b.put(Keyspace.MESSAGE, Keys.of(1, i), new byte[]{(byte) i});
                b.put(Keyspace.MESSAGE, Keys.of(2, 0), new byte[]{42});
                b.commit();
            }
            List<Long> offsets = new ArrayList<>();
            s.scan(Keyspace.MESSAGE, Keys.of(1, 0), Keys.of(2, 0), (k, v) -> offsets.add(Keys.longAt(k, 8)) || true);
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), offsets);
            try (RocksStore.Batch b = s.batch()) {
                b.deleteRange(Keyspace.MESSAGE, Keys.of(1, 0), Keys.of(1, 5));
                b.commit();
            }
            assertNull(s.get(Keyspace.MESSAGE, Keys.of(1, 4)));
            assertArrayEquals(new byte[]{5}, s.get(Keyspace.MESSAGE, Keys.of(1, 5)));
            assertNull(s.get(Keyspace.INDEX, Keys.of(1, 5)), "keyspaces are separate");
            s.flush();
        }
        try (RocksStore s = new RocksStore(dir)) {
            assertArrayEquals(new byte[]{42}, s.get(Keyspace.MESSAGE, Keys.of(2, 0)), "flushed data survives reopening");
        }
    }

    /**
     * Seen in the benchmark: a node stopping while it dropped a deleted queue's group crashed the JVM (SIGSEGV in
     * WriteBatch.put: the column family handle had been freed by close). Close now waits for the writes under way
     * and refuses new ones.
     */
    /** Starts closing {@code s} on another thread and checks that the close is still waiting 300 ms later. */
    private static Thread closeWhileInUse(RocksStore s, String why) throws InterruptedException {
        Thread closer = new Thread(s::close, "closer");
        closer.start();
        closer.join(300);
        assertTrue(closer.isAlive(), why);
        return closer;
    }

    @Test
    void closeWaitsForWritesUnderWayAndRefusesNewOnes() throws Exception {
        RocksStore s = new RocksStore(dir);
        Thread closer;
        try (RocksStore.Batch b = s.batch()) {
            b.put(Keyspace.MESSAGE, Keys.of(7, 0), new byte[]{1});
            closer = closeWhileInUse(s, "close waits for the batch in use");
            assertThrows(RocksStore.StoreClosedException.class, s::batch, "no new batch while closing");
            assertThrows(RocksStore.StoreClosedException.class, () -> s.get(Keyspace.MESSAGE, Keys.of(7, 0)));
            b.put(Keyspace.MESSAGE, Keys.of(7, 1), new byte[]{2}); // the batch under way still works
            b.commit();
        }
        closer.join(10_000);
        assertFalse(closer.isAlive(), "close finishes once the batch is closed");
        assertThrows(RocksStore.StoreClosedException.class, s::batch);
        s.close(); // twice is harmless
        try (RocksStore again = new RocksStore(dir)) {
            assertArrayEquals(new byte[]{2}, again.get(Keyspace.MESSAGE, Keys.of(7, 1)), "the last batch was kept");
        }
    }

    @Test
    void aBatchClosedTwiceIsCountedOnce() throws Exception {
        RocksStore s = new RocksStore(dir);
        RocksStore.Batch once = s.batch();
        once.close();
        once.close();
        Thread closer;
        try (RocksStore.Batch inUse = s.batch()) {
            inUse.put(Keyspace.MESSAGE, Keys.of(8, 0), new byte[]{1});
            closer = closeWhileInUse(s, "the batch in use still holds the store open");
        }
        closer.join(10_000);
        assertFalse(closer.isAlive());
    }
}
