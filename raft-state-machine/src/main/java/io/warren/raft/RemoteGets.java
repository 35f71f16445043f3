package io.warren.raft;

import io.warren.metadata.queue.QueueEngine;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The basic.gets other nodes made here whose messages are still out, by request id, so a get whose answer never
 * reached its caller (a timeout, a partition) can be undone: the caller, not knowing whether the queue handed a
 * message out, asks to cancel the request, and the message is returned — by the very engine that handed it out,
 * never by a later one (after a leader change the soft state is new and the message may be out to someone else).
 * A cancel that arrives before its get leaves a mark, so the late get takes nothing. When the calling node's session
 * ends (it crashed, stopped, or its connection failed) every message its gets took and it has not settled goes back —
 * its channels are gone with it. Entries go when the message is settled, or after {@value #KEEP_MS} ms. Thread-safe.
 */
final class RemoteGets {
    static final long KEEP_MS = 15 * 60_000;

    /** A message handed out for a request. */
    record Out(QueueEngine engine, long queueId, long offset, long atMs, Object session) { }

    private final LinkedHashMap<Long, Out> out = new LinkedHashMap<>();
    /** Per queue id and offset, the request it went out for. */
    private final Map<Long, Map<Long, Long>> byOffset = new HashMap<>();
    private final LinkedHashMap<Long, Long> cancelled = new LinkedHashMap<>();
    /** Per calling session, its requests with a message out. */
    private final Map<Object, java.util.Set<Long>> bySession = new HashMap<>();

    /** Whether request {@code id} was cancelled already (its get must take nothing). */
    synchronized boolean isCancelled(long id, long nowMs) {
        expire(nowMs);
        return cancelled.containsKey(id);
    }

    /** Request {@code id} of {@code session} (null: none) took {@code offset}; true if the session is new here. */
    synchronized boolean handedOut(long id, Object session, QueueEngine engine, long queueId, long offset, long nowMs) {
        expire(nowMs);
        out.put(id, new Out(engine, queueId, offset, nowMs, session));
        byOffset.computeIfAbsent(queueId, q -> new HashMap<>()).put(offset, id);
        if (session == null) return false;
        boolean fresh = !bySession.containsKey(session);
        bySession.computeIfAbsent(session, s -> new java.util.HashSet<>()).add(id);
        return fresh;
    }

    /** {@code session} ended: what its requests took and did not settle (to return). */
    synchronized java.util.List<Out> sessionEnded(Object session) {
        java.util.Set<Long> ids = bySession.remove(session);
        java.util.List<Out> back = new java.util.ArrayList<>();
        if (ids == null) return back;
        for (long id : ids) {
            Out o = out.remove(id);
            if (o == null) continue;
            unindex(o);
            back.add(o);
        }
        return back;
    }

    /** These messages were settled or returned by their holder: nothing to undo for them. */
    synchronized void settled(long queueId, long[] offsets) {
        Map<Long, Long> m = byOffset.get(queueId);
        if (m == null) return;
        for (long o : offsets) {
            Long id = m.remove(o);
            if (id == null) continue;
            Out x = out.remove(id);
            if (x != null && x.session() != null) {
                java.util.Set<Long> s = bySession.get(x.session());
                if (s != null) s.remove(id);
            }
        }
        if (m.isEmpty()) byOffset.remove(queueId);
    }

    /** Cancels request {@code id}: what it handed out (to return), or null (nothing, or not yet: it is marked). */
    synchronized Out cancel(long id, long nowMs) {
        expire(nowMs);
        Out o = out.remove(id);
        if (o == null) {
            cancelled.put(id, nowMs);
            return null;
        }
        unindex(o);
        if (o.session() != null) {
            java.util.Set<Long> s = bySession.get(o.session());
            if (s != null) s.remove(id);
        }
        return o;
    }

    private void unindex(Out o) {
        Map<Long, Long> m = byOffset.get(o.queueId());
        if (m != null) {
            m.remove(o.offset());
            if (m.isEmpty()) byOffset.remove(o.queueId());
        }
    }

    synchronized int size() { return out.size() + cancelled.size(); }

    private void expire(long nowMs) {
        for (Iterator<Map.Entry<Long, Out>> it = out.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Out> e = it.next();
            Out o = e.getValue();
            if (nowMs - o.atMs() < KEEP_MS) break;
            it.remove();
            unindex(o);
            if (o.session() != null) {
                java.util.Set<Long> s = bySession.get(o.session());
                if (s != null) s.remove(e.getKey());
            }
        }
        for (Iterator<Long> it = cancelled.values().iterator(); it.hasNext(); ) {
            if (nowMs - it.next() < KEEP_MS) break;
            it.remove();
        }
    }
}
