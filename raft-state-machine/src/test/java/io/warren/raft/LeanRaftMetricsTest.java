package io.warren.raft;

import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class LeanRaftMetricsTest {
    @Test
    void ratisLoadsTheLeanMetricsCountersCountTimersCostNothing() {
        assertInstanceOf(LeanRaftMetrics.class, MetricRegistries.global(), "found through META-INF/services");
        MetricRegistryInfo info = new MetricRegistryInfo("group-1", "ratis", "server", "test");
        RatisMetricRegistry r = MetricRegistries.global().create(info);
        assertSame(r, MetricRegistries.global().create(info));
        LongCounter c = r.counter("appends");
        c.inc();
        c.inc(4);
        c.dec();
        assertEquals(4, r.counter("appends").getCount());
        assertEquals(0, r.timer("appendLatency").time().stop());
        assertTrue(MetricRegistries.global().remove(info));
        assertTrue(MetricRegistries.global().get(info).isEmpty());
    }
}
