package boshcm.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xmpp.StreamEvent;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Collects upstream events and checks that each one arrives on the session's event loop. */
final class RecordingListener implements UpstreamListener {

    private final LinkedBlockingQueue<StreamEvent> events = new LinkedBlockingQueue<>();
    private final AtomicInteger offLoop = new AtomicInteger();
    private final List<Integer> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<XmlPayload> afterClose = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile EventLoop loop;

    RecordingListener(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public void onEvent(StreamEvent event) {
        if (!loop.inEventLoop()) {
            offLoop.incrementAndGet();
        }
        events.add(event);
    }

    @Override
    public void onEvents(List<StreamEvent> batch) {
        batchSizes.add(batch.size());
        UpstreamListener.super.onEvents(batch);
    }

    @Override
    public void onStanzasAfterClose(List<XmlPayload> stanzas) {
        if (!loop.inEventLoop()) {
            offLoop.incrementAndGet();
        }
        afterClose.addAll(stanzas);
    }

    /** The stanzas reported as having crossed the session's closing tag, in order. */
    List<XmlPayload> afterClose() {
        return List.copyOf(afterClose);
    }

    /** How many events each {@link #onEvents} call carried, in order. */
    List<Integer> batchSizes() {
        return List.copyOf(batchSizes);
    }

    /** The next event, which must be a {@code type}, within 10 s. */
    <T extends StreamEvent> T next(Class<T> type) throws InterruptedException {
        StreamEvent event = events.poll(10, TimeUnit.SECONDS);
        if (event == null) {
            fail("no " + type.getSimpleName() + " within 10 s");
        }
        assertThat(event).isInstanceOf(type);
        assertThat(offLoop.get()).as("callbacks off the session's event loop").isZero();
        return type.cast(event);
    }

    /** Whatever has arrived so far, without waiting. */
    List<StreamEvent> drain() {
        List<StreamEvent> out = new ArrayList<>();
        events.drainTo(out);
        return out;
    }

    int offLoopCallbacks() {
        return offLoop.get();
    }
}
