package io.warren.raft.link;

import java.util.ArrayList;
import java.util.List;

/**
 * One calling node's ordered stream of calls, as the receiving node sees it. It ends when the stream does — the
 * caller's node stopped, crashed or was cut off long enough for the connection to fail — and what the calls left
 * behind for that caller (messages its basic.gets took) can then be given back, as RabbitMQ does when a channel's
 * node goes away.
 */
public final class LinkSession {
    private final List<Runnable> onEnd = new ArrayList<>();
    private boolean ended;

    /** Runs {@code r} when the session ends (at once if it has). */
    public void onEnd(Runnable r) {
        synchronized (this) {
            if (!ended) {
                onEnd.add(r);
                return;
            }
        }
        r.run();
    }

    void end() {
        List<Runnable> run;
        synchronized (this) {
            if (ended) return;
            ended = true;
            run = List.copyOf(onEnd);
            onEnd.clear();
        }
        run.forEach(Runnable::run);
    }
}
