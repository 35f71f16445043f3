package io.warren.amqp.channel;

import io.warren.amqp.method.BasicMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Publisher confirms of one channel: sequence numbers are handed out in publish order and confirmed as their
 * messages become safe, which may be out of order (a channel publishing to several queues, one of them slow or
 * cut off). Once per event-loop turn: the contiguous confirmed range goes out as one
 * {@code basic.ack multiple=true}; messages confirmed beyond a gap are acked on their own at once, as RabbitMQ
 * does, rather than waiting for the gap (a publish stuck behind a partition would otherwise hold back every
 * later confirm of its channel until it fails). A nack is sent on its own. No tag is confirmed twice: a
 * multiple ack never covers a tag acked or nacked on its own.
 */
final class Confirms {
    private final Consumer<BasicMethod> out;
    private final java.util.concurrent.Executor loop;
    private boolean flushScheduled;
    private final TreeSet<Long> pending = new TreeSet<>();
    /** Tags above the confirmed prefix already acked or nacked on their own. */
    private final TreeSet<Long> sentAlone = new TreeSet<>();
    /** Tags completed with an ack this turn while a lower tag was still pending. */
    private final List<Long> beyondGap = new ArrayList<>();
    private long lastIssued;
    private long lastConfirmed;

    /** {@code loop} is the channel's event loop: confirms completing in one turn go out together. */
    Confirms(Consumer<BasicMethod> out, java.util.concurrent.Executor loop) {
        this.out = out;
        this.loop = loop;
    }

    /** Tags issued and not completed yet. */
    int pending() { return pending.size(); }

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
            sentAlone.add(seq);
        } else if (!pending.isEmpty() && pending.first() < seq) {
            beyondGap.add(seq);
        }
        if (!flushScheduled) {
            flushScheduled = true;
            loop.execute(this::flush);
        }
    }

    private void flush() {
        flushScheduled = false;
        long upTo = pending.isEmpty() ? lastIssued : pending.first() - 1;
        if (upTo > lastConfirmed) {
            Long alone = sentAlone.ceiling(lastConfirmed + 1);
            if (alone == null || alone > upTo) {
                out.accept(new BasicMethod.Ack(upTo, upTo - lastConfirmed > 1));
            } else {
                for (long s = lastConfirmed + 1; s <= upTo; s++) if (!sentAlone.contains(s)) out.accept(new BasicMethod.Ack(s, false));
            }
            sentAlone.headSet(upTo + 1).clear();
            lastConfirmed = upTo;
        }
        for (long s : beyondGap) {
            if (s > lastConfirmed) {
                out.accept(new BasicMethod.Ack(s, false));
                sentAlone.add(s);
            }
        }
        beyondGap.clear();
    }
}
