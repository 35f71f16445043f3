package io.warren.storage;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One RocksDB per node, shared by every Raft group on it, behind a small byte-level API. RocksDB's own WAL
 * is off: the Raft log is the write-ahead log, and each group writes its applied index in the same batch as
 * the state it describes, so after a crash the store is consistent at a known index per group and the log
 * is replayed from there. {@link #flush} makes everything written so far durable (a snapshot).
 *
 * <p>Closing frees RocksDB's native handles; a thread still using them would crash the JVM. Every use therefore
 * counts itself in ({@link #enter}) and {@link #close} waits for the uses under way to end; a use that starts
 * after close has begun fails with {@link StoreClosedException} instead.
 */
public final class RocksStore implements AutoCloseable {
    static { RocksDB.loadLibrary(); }

    private final RocksDB db;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions cfOptions;
    private final LRUCache cache;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final Map<Keyspace, ColumnFamilyHandle> cf = new EnumMap<>(Keyspace.class);
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions = new ReadOptions();
    /** Uses under way; {@link #CLOSING} is added when close begins, so a positive count below it means open. */
    private final AtomicInteger users = new AtomicInteger();
    private static final int CLOSING = 1 << 30;
    private static final long CLOSE_WAIT_MS = 30_000;

    public RocksStore(Path dir) throws IOException {
        Files.createDirectories(dir);
        cache = new LRUCache(32L << 20);
        cfOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setWriteBufferSize(32L << 20)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache));
        dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setMaxBackgroundJobs(2).setKeepLogFileNum(3);
        List<ColumnFamilyDescriptor> descs = new ArrayList<>();
        descs.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (Keyspace k : Keyspace.values()) descs.add(new ColumnFamilyDescriptor(k.cfName.getBytes(), cfOptions));
        try {
            db = RocksDB.open(dbOptions, dir.toString(), descs, handles);
        } catch (RocksDBException e) {
            throw new IOException("cannot open RocksDB at " + dir + ": " + e.getMessage(), e);
        }
        for (Keyspace k : Keyspace.values()) cf.put(k, handles.get(k.ordinal() + 1));
        writeOptions = new WriteOptions().setDisableWAL(true).setSync(false);
    }

    public byte[] get(Keyspace ks, byte[] key) {
        enter();
        try {
            return db.get(cf.get(ks), readOptions, key);
        } catch (RocksDBException e) {
            throw new StoreException("read failed", e);
        } finally {
            exit();
        }
    }

    /** A batch counts as a use of the store from here until it is closed. */
    public Batch batch() { return opened(Batch::new); }

    /** Counts a use that lasts until the returned object is closed. */
    private <T> T opened(java.util.function.Supplier<T> open) {
        enter();
        try {
            return open.get();
        } catch (RuntimeException | Error e) {
            exit();
            throw e;
        }
    }

    private void enter() {
        if (users.incrementAndGet() >= CLOSING) {
            exit();
            throw new StoreClosedException();
        }
    }

    private void exit() { users.decrementAndGet(); }

    /** Calls {@code visitor} for every key in [from, to) in order; it returns false to stop. */
    public void scan(Keyspace ks, byte[] from, byte[] to, EntryVisitor visitor) {
        enter();
        try (ReadOptions ro = new ReadOptions(); Slice upper = new Slice(to)) {
            ro.setIterateUpperBound(upper);
            try (RocksIterator it = db.newIterator(cf.get(ks), ro)) {
                for (it.seek(from); it.isValid(); it.next()) {
                    if (!visitor.visit(it.key(), it.value())) break;
                }
                it.status();
            } catch (RocksDBException e) {
                throw new StoreException("scan failed", e);
            }
        } finally {
            exit();
        }
    }

    /** A consistent read-only view of the store as it is now (for exporting a group to a follower). */
    public View view() { return opened(View::new); }

    /** Counts as a use of the store until it is closed. */
    public final class View implements AutoCloseable {
        private final org.rocksdb.Snapshot snapshot = db.getSnapshot();

        public byte[] get(Keyspace ks, byte[] key) {
            try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
                return db.get(cf.get(ks), ro, key);
            } catch (RocksDBException e) {
                throw new StoreException("read failed", e);
            }
        }

        public void scan(Keyspace ks, byte[] from, byte[] to, EntryVisitor visitor) {
            try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot); Slice upper = new Slice(to)) {
                ro.setIterateUpperBound(upper);
                try (RocksIterator it = db.newIterator(cf.get(ks), ro)) {
                    for (it.seek(from); it.isValid(); it.next()) {
                        if (!visitor.visit(it.key(), it.value())) break;
                    }
                }
            }
        }

        private boolean closed;

        @Override public synchronized void close() {
            if (closed) return;
            closed = true;
            db.releaseSnapshot(snapshot);
            snapshot.close();
            exit();
        }
    }

    /** Flushes every memtable to SST files: all writes so far are durable afterwards. */
    public void flush() {
        enter();
        try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
            db.flush(fo, new ArrayList<>(cf.values()));
        } catch (RocksDBException e) {
            throw new StoreException("flush failed", e);
        } finally {
            exit();
        }
    }

    public long approximateSize() {
        try {
            enter();
        } catch (StoreClosedException e) {
            return -1;
        }
        try {
            long total = 0;
            for (ColumnFamilyHandle h : cf.values()) total += db.getLongProperty(h, "rocksdb.total-sst-files-size");
            return total;
        } catch (RocksDBException e) {
            return -1;
        } finally {
            exit();
        }
    }

    /**
     * Waits (up to {@value #CLOSE_WAIT_MS} ms) for the uses under way to end, then frees the store. Uses that begin
     * meanwhile fail. A use still running after the wait keeps the native handles from being freed (a leak at
     * shutdown rather than a crash).
     */
    @Override
    public void close() {
        if (users.getAndAdd(CLOSING) >= CLOSING) return; // closed already
        long deadline = System.currentTimeMillis() + CLOSE_WAIT_MS;
        while (users.get() > CLOSING) {
            if (System.currentTimeMillis() > deadline) {
                System.getLogger(RocksStore.class.getName()).log(System.Logger.Level.WARNING,
                        "RocksDB still in use after " + CLOSE_WAIT_MS + " ms; not freeing it");
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (ColumnFamilyHandle h : handles) h.close();
        db.close();
        writeOptions.close();
        readOptions.close();
        dbOptions.close();
        cfOptions.close();
        cache.close();
    }

    @FunctionalInterface
    public interface EntryVisitor {
        boolean visit(byte[] key, byte[] value);
    }

    /** An atomic group of writes. */
    public final class Batch implements AutoCloseable {
        private final WriteBatch wb = new WriteBatch();

        public Batch put(Keyspace ks, byte[] key, byte[] value) {
            try { wb.put(cf.get(ks), key, value); } catch (RocksDBException e) { throw new StoreException("put failed", e); }
            return this;
        }

        public Batch delete(Keyspace ks, byte[] key) {
            try { wb.delete(cf.get(ks), key); } catch (RocksDBException e) { throw new StoreException("delete failed", e); }
            return this;
        }

        /** Deletes every key in [from, to). */
        public Batch deleteRange(Keyspace ks, byte[] from, byte[] to) {
            try { wb.deleteRange(cf.get(ks), from, to); } catch (RocksDBException e) { throw new StoreException("delete failed", e); }
            return this;
        }

        public int count() { return wb.count(); }

        public void commit() {
            try { db.write(writeOptions, wb); } catch (RocksDBException e) { throw new StoreException("write failed", e); }
        }

        private boolean closed;

        @Override public void close() {
            if (closed) return; // a batch belongs to one thread
            closed = true;
            wb.close();
            exit();
        }
    }

    public static class StoreException extends RuntimeException {
        StoreException(String msg, Throwable cause) { super(msg + ": " + cause.getMessage(), cause); }
        StoreException(String msg) { super(msg); }
    }

    /** The store is closing or closed (the node is shutting down). */
    public static final class StoreClosedException extends StoreException {
        StoreClosedException() { super("the store is closed"); }
    }
}
