package dev.sluice.domain.fake;

import dev.sluice.domain.model.QueueMessage;
import dev.sluice.domain.port.WorkQueue;
import dev.sluice.domain.port.WorkQueueContract;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

class InMemoryWorkQueueTest extends WorkQueueContract {
    private final InMemoryWorkQueue queue = new InMemoryWorkQueue(Clock.systemUTC());

    @Override
    protected WorkQueue queue() {
        return queue;
    }

    @Override
    protected List<QueueMessage> receive(Duration wait) {
        return queue.receiveVisible();
    }
}
