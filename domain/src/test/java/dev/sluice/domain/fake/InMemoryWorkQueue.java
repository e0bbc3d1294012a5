package dev.sluice.domain.fake;

import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.port.TransientException;
import dev.sluice.domain.port.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A queue in memory: messages become visible after their delay; {@link #failNextSends} simulates an outage. */
public final class InMemoryWorkQueue implements WorkQueue {
    private final Clock clock;
    private final List<Pending> pending = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();
    private int failNextSends;
    private int succeedBeforeFailing;
    private int calls;
    private boolean inSendAll;

    public InMemoryWorkQueue(Clock clock) {
        this.clock = clock;
    }

    /** A message and when it was sent with which delay. */
    public record Sent(QueueMessage message, Duration delay, Instant at) {}

    private record Pending(QueueMessage message, Instant visibleAt) {}

    @Override
    public synchronized void send(QueueMessage message, Duration delay) {
        if (delay.isNegative() || delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException("delay must be between 0 and 900 s, got " + delay);
        }
        if (!inSendAll) {
            calls++;
        }
        if (failNextSends > 0 && succeedBeforeFailing > 0) {
            succeedBeforeFailing--;
        } else if (failNextSends > 0) {
            failNextSends--;
            throw new TransientException("queue unavailable (simulated)", null);
        }
        Instant now = clock.instant();
        pending.add(new Pending(message, now.plus(delay)));
        sent.add(new Sent(message, delay, now));
    }

    /** One message at a time, as the port's default does; counted, so a test can see how many calls were made. */
    @Override
    public synchronized List<Unsent> sendAll(List<? extends QueueMessage> messages) {
        calls++;
        inSendAll = true;
        try {
            return WorkQueue.super.sendAll(messages);
        } finally {
            inSendAll = false;
        }
    }

    /** How many calls reached the queue: each {@link #send}, and each {@link #sendAll} once. */
    public synchronized int calls() {
        return calls;
    }

    /** Removes and returns every message visible now, oldest first. */
    public synchronized List<QueueMessage> receiveVisible() {
        Instant now = clock.instant();
        List<QueueMessage> out = new ArrayList<>();
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (!p.visibleAt().isAfter(now)) {
                out.add(p.message());
                it.remove();
            }
        }
        return out;
    }

    public synchronized int size() {
        return pending.size();
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    public synchronized void failNextSends(int count) {
        failSendsAfter(0, count);
    }

    /** Lets {@code successes} sends through, then fails the {@code count} after them. */
    public synchronized void failSendsAfter(int successes, int count) {
        this.succeedBeforeFailing = successes;
        this.failNextSends = count;
    }
}
