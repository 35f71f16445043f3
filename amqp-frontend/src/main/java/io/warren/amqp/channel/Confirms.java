package io.warren.amqp.channel;

import io.warren.amqp.method.BasicMethod;

import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Publisher confirms of one channel: sequence numbers are handed out in publish order and confirmed as their
 * messages become safe, which may be out of order. Contiguous confirmed ranges go out as one
 * {@code basic.ack multiple=true}; a nack is sent on its own and never covered by a later multiple ack.
 */
final class Confirms {
    private final Consumer<BasicMethod> out;
    private final java.util.concurrent.Executor loop;
    private boolean flushScheduled;
    private final TreeSet<Long> pending = new TreeSet<>();
    private final TreeSet<Long> nacked = new TreeSet<>();
    private long lastIssued;
    private long lastConfirmed;

    /** {@code loop} is the channel's event loop: confirms completing in one turn go out together. */
    Confirms(Consumer<BasicMethod> out, java.util.concurrent.Executor loop) {
        this.out = out;
        this.loop = loop;
    }

    long next() {
        long seq = ++lastIssued;
        pending.add(seq);
        return seq;
    }

    /** Runs on the channel's event loop. */
    void complete(long seq, boolean ack) {
        if (!pending.remove(seq)) return;
        if (!ack) {
            out.accept(new BasicMethod.Nack(seq, false, false));
            nacked.add(seq);
        }
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(this::flush);
        }
    }

    private void flush() {
        flushScheduled = false;
        long upTo = pending.isEmpty() ? lastIssued : pending.first() - 1;
        if (upTo <= lastConfirmed) return;
        nacked.headSet(lastConfirmed + 1).clear();
        if (nacked.isEmpty() || nacked.first() > upTo) {
            out.accept(new BasicMethod.Ack(upTo, upTo - lastConfirmed > 1));
        } else {
            for (long s = lastConfirmed + 1; s <= upTo; s++) if (!nacked.contains(s)) out.accept(new BasicMethod.Ack(s, false));
            nacked.headSet(upTo + 1).clear();
        }
        lastConfirmed = upTo;
    }
}
