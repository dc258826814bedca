package boshcm.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

/**
 * {@code netty_allocator_memory_used{allocator_type, memory_type}}: heap and direct memory held by the
 * allocator every upstream channel uses ({@link ByteBufAllocator#DEFAULT}; in Netty 4.2 the adaptive
 * allocator unless {@code -Dio.netty.allocator.type} says otherwise). The names and tags are those of
 * Micrometer's {@code NettyAllocatorMetrics} minus its {@code id} tag: that one is the allocator's
 * identity hash, a new value at every restart, so each restart would start new series.
 */
public final class NettyMemoryMetrics implements MeterBinder {

    private final ByteBufAllocator allocator;

    public NettyMemoryMetrics(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (!(allocator instanceof ByteBufAllocatorMetricProvider provider)) {
            return;
        }
        ByteBufAllocatorMetric metric = provider.metric();
        String type = allocator.getClass().getSimpleName();
        Gauge.builder("netty.allocator.memory.used", metric, ByteBufAllocatorMetric::usedHeapMemory)
                .tag("allocator.type", type).tag("memory.type", "heap")
                .description("heap memory held by Netty's buffer allocator, in bytes").register(registry);
        Gauge.builder("netty.allocator.memory.used", metric, ByteBufAllocatorMetric::usedDirectMemory)
                .tag("allocator.type", type).tag("memory.type", "direct")
                .description("direct memory held by Netty's buffer allocator, in bytes").register(registry);
    }
}
