package io.warren.metadata.state;

import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.QueueRecord;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One vhost's exchanges, queues and bindings. Written only by the apply thread; read concurrently by
 * publishers routing messages, so binding lists are immutable and replaced whole (copy on write).
 */
public final class VhostState {
    final String name;
    final Map<String, ExchangeRecord> exchanges = new ConcurrentHashMap<>();
    final Map<String, QueueRecord> queues = new ConcurrentHashMap<>();
    /** source exchange name → bindings from it. */
    final Map<String, List<BindingRecord>> bindingsBySource = new ConcurrentHashMap<>();
    final Map<String, io.warren.metadata.model.PolicyRecord> policies = new ConcurrentHashMap<>();
    final Map<String, io.warren.metadata.model.PolicyRecord> operatorPolicies = new ConcurrentHashMap<>();

    /** What an untyped durable queue here becomes; null: the node's default. */
    volatile io.warren.metadata.model.QueueType defaultQueueType;

    volatile String description = "";
    volatile List<String> tags = List.of();
    /** max-connections, max-queues (absent or negative: no limit). */
    volatile Map<String, Long> limits = Map.of();

    VhostState(String name) { this.name = name; }

    public String description() { return description; }

    public List<String> tags() { return tags; }

    public Map<String, Long> limits() { return limits; }

    /** A limit's value, or -1 for none. */
    public long limit(String key) { return limits.getOrDefault(key, -1L); }

    public io.warren.metadata.model.QueueType defaultQueueType() { return defaultQueueType; }

    public String name() { return name; }

    public ExchangeRecord exchange(String name) { return exchanges.get(name); }

    public QueueRecord queue(String name) { return queues.get(name); }

    public List<BindingRecord> bindingsFrom(String exchange) { return bindingsBySource.getOrDefault(exchange, List.of()); }

    public Iterable<ExchangeRecord> exchanges() { return exchanges.values(); }

    public Iterable<QueueRecord> queues() { return queues.values(); }

    public int queueCount() { return queues.size(); }

    public Iterable<List<BindingRecord>> bindingLists() { return bindingsBySource.values(); }

    public Iterable<io.warren.metadata.model.PolicyRecord> policies() { return policies.values(); }

    public Iterable<io.warren.metadata.model.PolicyRecord> operatorPolicies() { return operatorPolicies.values(); }

    /** The policy in force for a queue: the highest-priority match, ties broken by name. */
    public io.warren.metadata.model.PolicyRecord policyFor(String queue) { return best(policies, queue); }

    /** The operator policy in force for a queue, chosen as {@link #policyFor} chooses. */
    public io.warren.metadata.model.PolicyRecord operatorPolicyFor(String queue) { return best(operatorPolicies, queue); }

    private static io.warren.metadata.model.PolicyRecord best(Map<String, io.warren.metadata.model.PolicyRecord> from, String queue) {
        io.warren.metadata.model.PolicyRecord best = null;
        for (io.warren.metadata.model.PolicyRecord p : from.values()) {
            if (!p.appliesToQueue(queue)) continue;
            if (best == null || p.priority() > best.priority() || p.priority() == best.priority() && p.name().compareTo(best.name()) < 0) best = p;
        }
        return best;
    }
}
