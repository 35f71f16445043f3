package io.warren.raft;

import org.apache.ratis.metrics.LongCounter;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.Timekeeper;
import org.apache.ratis.util.TimeDuration;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Ratis's metrics, kept lean (loaded by Ratis through {@code META-INF/services} in place of ratis-metrics-default).
 * The default keeps a Dropwizard timer per event with an exponentially decaying reservoir (a concurrent skip list
 * of up to 1,028 samples each), updated on every append, flush and reply: ~10% of a queue leader's Java CPU in a
 * profile of benchmark b, and memory per group. Nothing in Warren reads Ratis's timers or gauges (Warren's own
 * figures come from its own counters), so timers and gauges here cost nothing; counters still count.
 */
public final class LeanRaftMetrics extends MetricRegistries {
    private static final Timekeeper.Context STOPPED = () -> 0L;
    private static final Timekeeper NO_TIMER = () -> STOPPED;

    private final Map<MetricRegistryInfo, RatisMetricRegistry> registries = new ConcurrentHashMap<>();

    /** A group's (or a component's) registry: counters count, timers and gauges are dropped. */
    private record Registry(MetricRegistryInfo info, Map<String, LongCounter> counters) implements RatisMetricRegistry {
        @Override public Timekeeper timer(String name) { return NO_TIMER; }

        @Override public LongCounter counter(String name) {
            return counters.computeIfAbsent(name, n -> new LongCounter() {
                private final AtomicLong count = new AtomicLong();

                @Override public void inc(long by) { count.addAndGet(by); }

                @Override public void dec(long by) { count.addAndGet(-by); }

                @Override public long getCount() { return count.get(); }
            });
        }

        @Override public boolean remove(String name) { return counters.remove(name) != null; }

        @Override public <T> void gauge(String name, Supplier<Supplier<T>> gaugeSupplier) { }

        @Override public MetricRegistryInfo getMetricRegistryInfo() { return info; }
    }

    @Override public void clear() { registries.clear(); }

    @Override public RatisMetricRegistry create(MetricRegistryInfo info) {
        return registries.computeIfAbsent(info, i -> new Registry(i, new ConcurrentHashMap<>()));
    }

    @Override public boolean remove(MetricRegistryInfo key) { return registries.remove(key) != null; }

    @Override public Optional<RatisMetricRegistry> get(MetricRegistryInfo info) { return Optional.ofNullable(registries.get(info)); }

    @Override public Set<MetricRegistryInfo> getMetricRegistryInfos() { return Set.copyOf(registries.keySet()); }

    @Override public Collection<RatisMetricRegistry> getMetricRegistries() { return List.copyOf(registries.values()); }

    @Override public void addReporterRegistration(Consumer<RatisMetricRegistry> reporterRegistration,
                                                  Consumer<RatisMetricRegistry> stopReporter) { }

    @Override public void enableJmxReporter() { }

    @Override public void enableConsoleReporter(TimeDuration consoleReportRate) { }
}
