package io.warren.metadata.state;

import io.warren.metadata.codec.FieldTables;
import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.command.MetadataCommand.*;
import io.warren.metadata.model.BindingRecord;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.ExchangeRecord;
import io.warren.metadata.model.ExchangeType;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.model.UserRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cluster's metadata: vhosts, users, permissions, exchanges, queues, bindings. {@link #apply} is the
 * pure transition function of the metadata Raft group; it is called from one thread and its result depends
 * only on the state and the command. Reads may come from any thread.
 */
public final class MetadataState {
    private final Map<String, VhostState> vhosts = new ConcurrentHashMap<>();
    private final AccessState access = new AccessState(vhosts::containsKey);
    /** Global runtime parameters by name, values as JSON text (cluster_name among them). */
    private final Map<String, String> globalParameters = new java.util.concurrent.ConcurrentSkipListMap<>();
    /** Cluster members by name, in name order (placement iterates them deterministically). */
    private final Map<String, io.warren.metadata.model.NodeRecord> nodes = new java.util.concurrent.ConcurrentSkipListMap<>();
    private long nextQueueId = 1;

    public static final List<String[]> BUILT_IN_EXCHANGES = List.of(
            new String[]{"", "direct"}, new String[]{"amq.direct", "direct"}, new String[]{"amq.fanout", "fanout"},
            new String[]{"amq.topic", "topic"}, new String[]{"amq.headers", "headers"},
            new String[]{"amq.match", "headers"}, new String[]{"amq.rabbitmq.trace", "topic"});

    public VhostState vhost(String name) { return vhosts.get(name); }

    public Collection<VhostState> vhosts() { return vhosts.values(); }

    public UserRecord user(String name) { return access.user(name); }

    public Collection<UserRecord> users() { return access.users(); }

    public Permission permission(String user, String vhost) { return access.permission(user, vhost); }

    public Collection<Permission> permissions() { return access.permissions(); }

    public Map<String, String> globalParameters() { return java.util.Collections.unmodifiableMap(globalParameters); }

    /** Users, permissions, topic permissions, user limits. */
    public AccessState access() { return access; }

    public long nextQueueId() { return nextQueueId; }

    public Collection<io.warren.metadata.model.NodeRecord> nodes() { return nodes.values(); }

    public io.warren.metadata.model.NodeRecord node(String name) { return nodes.get(name); }

    public CommandResult apply(MetadataCommand cmd) {
        try {
            return switch (cmd.kind()) { // one case per kind: a new command does not compile until it applies here
                case ADD_VHOST -> addVhost(((AddVhost) cmd).name());
                case PUT_USER, PUT_USER_HASHED, DELETE_USER, SET_PERMISSION, CLEAR_PERMISSION, SET_TOPIC_PERMISSION,
                     CLEAR_TOPIC_PERMISSION -> access.apply(cmd);
                case SET_LIMITS -> {
                    SetLimits c = (SetLimits) cmd;
                    if (c.scope() == LimitScope.USER) yield access.apply(cmd);
                    requireVhost(c.name()).limits = c.limits();
                    yield CommandResult.OK;
                }
                case DELETE_VHOST -> deleteVhost(((DeleteVhost) cmd).name());
                case SET_GLOBAL_PARAMETER -> {
                    SetGlobalParameter c = (SetGlobalParameter) cmd;
                    if (c.valueJson() == null) {
                        if (globalParameters.remove(c.name()) == null) throw DomainException.notFound("global parameter '" + c.name() + "'");
                    } else {
                        globalParameters.put(c.name(), c.valueJson());
                    }
                    yield CommandResult.OK;
                }
                case SET_VHOST_METADATA -> {
                    SetVhostMetadata c = (SetVhostMetadata) cmd;
                    VhostState v = requireVhost(c.name());
                    v.description = c.description();
                    v.tags = c.tags();
                    yield CommandResult.OK;
                }
                case DECLARE_EXCHANGE -> declareExchange(((DeclareExchange) cmd).exchange());
                case DELETE_EXCHANGE -> deleteExchange((DeleteExchange) cmd);
                case DECLARE_QUEUE -> declareQueue((DeclareQueue) cmd);
                case DELETE_QUEUE -> deleteQueue((DeleteQueue) cmd);
                case BIND -> bind(((Bind) cmd).binding());
                case UNBIND -> unbind(((Unbind) cmd).binding());
                case DROP_EXCLUSIVE_QUEUES -> {
                    String conn = ((DropExclusiveQueues) cmd).connectionId();
                    yield dropQueues(q -> conn.equals(q.exclusiveOwner()));
                }
                case NODE_STARTED -> nodeStarted((NodeStarted) cmd);
                case ADD_NODE -> {
                    var n = ((AddNode) cmd).node();
                    nodes.put(n.name(), n);
                    yield CommandResult.OK;
                }
                case REMOVE_NODE -> removeNode(((RemoveNode) cmd).name());
                case SET_POLICY -> {
                    var p = ((SetPolicy) cmd).policy();
                    requireVhost(p.vhost()).policies.put(p.name(), p);
                    yield CommandResult.OK;
                }
                case CLEAR_POLICY -> {
                    ClearPolicy c = (ClearPolicy) cmd;
                    if (requireVhost(c.vhost()).policies.remove(c.name()) == null) {
                        throw DomainException.notFound("policy '" + c.name() + "' in vhost '" + c.vhost() + "'");
                    }
                    yield CommandResult.OK;
                }
                case SET_VHOST_DEFAULT_QUEUE_TYPE -> {
                    SetVhostDefaultQueueType c = (SetVhostDefaultQueueType) cmd;
                    requireVhost(c.vhost()).defaultQueueType = c.type();
                    yield CommandResult.OK;
                }
                case SET_OPERATOR_POLICY -> {
                    var p = ((SetOperatorPolicy) cmd).policy();
                    requireVhost(p.vhost()).operatorPolicies.put(p.name(), p);
                    yield CommandResult.OK;
                }
                case CLEAR_OPERATOR_POLICY -> {
                    ClearOperatorPolicy c = (ClearOperatorPolicy) cmd;
                    if (requireVhost(c.vhost()).operatorPolicies.remove(c.name()) == null) {
                        throw DomainException.notFound("operator policy '" + c.name() + "' in vhost '" + c.vhost() + "'");
                    }
                    yield CommandResult.OK;
                }
            };
        } catch (DomainException e) {
            return new CommandResult.Refused(e.kind(), e.getMessage());
        }
    }

    private CommandResult addVhost(String name) {
        if (vhosts.containsKey(name)) return CommandResult.OK;
        VhostState v = new VhostState(name);
        for (String[] x : BUILT_IN_EXCHANGES) {
            v.exchanges.put(x[0], new ExchangeRecord(name, x[0], ExchangeType.parse(x[1]).orElseThrow(), true, false,
                    x[0].equals("amq.rabbitmq.trace"), Map.of()));
        }
        vhosts.put(name, v);
        return CommandResult.OK;
    }

    /** The vhost and all in it; its queues are the result, so their groups go on every node as a queue delete's do. */
    private CommandResult deleteVhost(String name) {
        VhostState v = requireVhost(name);
        vhosts.remove(name);
        access.vhostDeleted(name);
        return new CommandResult.QueuesDeleted(List.copyOf(v.queues.values()));
    }

    private VhostState requireVhost(String name) {
        VhostState v = vhosts.get(name);
        if (v == null) throw DomainException.notFound("vhost '" + name + "'");
        return v;
    }

    private CommandResult declareExchange(ExchangeRecord x) {
        VhostState v = requireVhost(x.vhost());
        ExchangeRecord existing = v.exchanges.get(x.name());
        if (existing != null) {
            checkEquivalent("type", x.describe(), x.type().wireName(), existing.type().wireName());
            checkEquivalent("durable", x.describe(), x.durable(), existing.durable());
            checkEquivalent("auto_delete", x.describe(), x.autoDelete(), existing.autoDelete());
            checkEquivalent("internal", x.describe(), x.internal(), existing.internal());
            checkArgsEquivalent(x.describe(), x.arguments(), existing.arguments(), List.of("alternate-exchange"));
            return CommandResult.OK;
        }
        v.exchanges.put(x.name(), x);
        return CommandResult.OK;
    }

    private static void checkEquivalent(String what, String object, Object received, Object current) {
        if (!Objects.equals(received, current)) {
            throw DomainException.precondition("inequivalent arg '" + what + "' for " + object + ": received '"
                    + received + "' but current is '" + current + "'");
        }
    }

    /** RabbitMQ checks a fixed set of arguments for equivalence; others are ignored on redeclare. */
    private static void checkArgsEquivalent(String object, Map<String, Object> received, Map<String, Object> current,
                                            List<String> keys) {
        for (String k : keys) {
            Object r = received.get(k);
            Object c = current.get(k);
            if (!FieldTables.valueEquals(r, c)) {
                throw DomainException.precondition("inequivalent arg '" + k + "' for " + object + ": received "
                        + describeArg(r) + " but current is " + describeArg(c));
            }
        }
    }

    private static String describeArg(Object v) {
        if (v == null) return "none";
        return "the value '" + FieldTables.render(v) + "' of type '" + FieldTables.typeName(v) + "'";
    }

    public static final List<String> QUEUE_EQUIVALENCE_ARGS = List.of("x-queue-type", "x-message-ttl", "x-expires",
            "x-max-length", "x-max-length-bytes", "x-overflow", "x-dead-letter-exchange", "x-dead-letter-routing-key",
            "x-max-priority", "x-single-active-consumer", "x-delivery-limit", "x-quorum-initial-group-size", io.warren.metadata.model.GroupMode.ARGUMENT);

    private CommandResult deleteExchange(DeleteExchange c) {
        VhostState v = requireVhost(c.vhost());
        ExchangeRecord x = v.exchanges.get(c.name());
        if (x == null) throw DomainException.notFound("exchange '" + c.name() + "' in vhost '" + c.vhost() + "'");
        if (c.ifUnused() && (!v.bindingsFrom(c.name()).isEmpty() || hasBindingsTo(v, true, c.name()))) {
            throw DomainException.precondition("exchange '" + c.name() + "' in vhost '" + c.vhost() + "' in use");
        }
        removeExchange(v, c.name());
        return CommandResult.OK;
    }

    private static boolean hasBindingsTo(VhostState v, boolean toExchange, String dest) {
        for (List<BindingRecord> l : v.bindingsBySource.values()) {
            for (BindingRecord b : l) if (b.toExchange() == toExchange && b.destination().equals(dest)) return true;
        }
        return false;
    }

    private void removeExchange(VhostState v, String name) {
        v.exchanges.remove(name);
        v.bindingsBySource.remove(name);
        removeBindingsTo(v, true, name);
    }

    /** Removes bindings to a destination; auto-delete exchanges left without bindings go too. */
    private void removeBindingsTo(VhostState v, boolean toExchange, String dest) {
        List<String> emptied = new ArrayList<>();
        for (Map.Entry<String, List<BindingRecord>> e : v.bindingsBySource.entrySet()) {
            List<BindingRecord> l = e.getValue();
            List<BindingRecord> kept = l.stream().filter(b -> !(b.toExchange() == toExchange && b.destination().equals(dest))).toList();
            if (kept.size() != l.size()) {
                if (kept.isEmpty()) { v.bindingsBySource.remove(e.getKey()); emptied.add(e.getKey()); }
                else v.bindingsBySource.put(e.getKey(), kept);
            }
        }
        for (String source : emptied) maybeAutoDelete(v, source);
    }

    private void maybeAutoDelete(VhostState v, String exchange) {
        ExchangeRecord x = v.exchanges.get(exchange);
        if (x != null && x.autoDelete() && v.bindingsFrom(exchange).isEmpty()) removeExchange(v, exchange);
    }

    private CommandResult declareQueue(DeclareQueue c) {
        VhostState v = requireVhost(c.vhost());
        QueueRecord existing = v.queues.get(c.name());
        String object = "queue '" + c.name() + "' in vhost '" + c.vhost() + "'";
        if (existing != null) {
            // another connection's exclusive queue, or a redeclare that differs in exclusivity: 405, as in RabbitMQ
            boolean ownerDiffers = existing.exclusiveOwner() != null && !existing.exclusiveOwner().equals(c.exclusiveOwner());
            if (ownerDiffers || existing.exclusive() != c.exclusive()) {
                throw DomainException.locked("cannot obtain exclusive access to locked " + object
                        + ". It could be originally declared on another connection or the exclusive property value"
                        + " does not match that of the original declaration.");
            }
            checkEquivalent("durable", object, c.durable(), existing.durable());
            checkEquivalent("auto_delete", object, c.autoDelete(), existing.autoDelete());
            checkArgsEquivalent(object, withType(c.arguments(), c.type()), withType(existing.arguments(), existing.type()),
                    QUEUE_EQUIVALENCE_ARGS);
            return new CommandResult.QueueDeclared(existing, false);
        }
        long id = nextQueueId++;
        String group = null;
        List<String> members = List.of();
        if (QueueRecord.keptInGroup(c.type(), c.durable(), c.exclusive())) {
            List<String> on = c.type() == QueueType.QUORUM ? Placement.members(this, c.arguments(), v.policyFor(c.name()), c.ownerNode())
                    : List.of(c.ownerNode()); // a durable classic queue: a group of one, on its node
            Placement.Group g = Placement.group(this, id, c.arguments(), v.policyFor(c.name()), on);
            group = g.id();
            members = g.members();
        }
        QueueRecord q = new QueueRecord(c.vhost(), c.name(), id, c.type(), c.durable(), c.exclusive(), c.autoDelete(),
                c.arguments(), group, c.ownerNode(), c.exclusive() ? c.exclusiveOwner() : null, members);
        v.queues.put(c.name(), q);
        return new CommandResult.QueueDeclared(q, true);
    }

    /** An absent x-queue-type compares as the type the queue actually got. */
    private static Map<String, Object> withType(Map<String, Object> args, QueueType type) {
        if (args.containsKey("x-queue-type")) return args;
        Map<String, Object> m = new java.util.HashMap<>(args);
        m.put("x-queue-type", type.wireName());
        return m;
    }

    private CommandResult deleteQueue(DeleteQueue c) {
        VhostState v = requireVhost(c.vhost());
        QueueRecord q = v.queues.get(c.name());
        if (q == null || (c.id() != 0 && q.id() != c.id())) {
            return new CommandResult.QueuesDeleted(List.of());
        }
        removeQueue(v, q);
        return new CommandResult.QueuesDeleted(List.of(q));
    }

    private void removeQueue(VhostState v, QueueRecord q) {
        v.queues.remove(q.name());
        removeBindingsTo(v, false, q.name());
    }

    private CommandResult dropQueues(java.util.function.Predicate<QueueRecord> which) {
        List<QueueRecord> gone = new ArrayList<>();
        for (VhostState v : vhosts.values()) {
            for (QueueRecord q : List.copyOf(v.queues.values())) {
                if (which.test(q)) { removeQueue(v, q); gone.add(q); }
            }
        }
        return new CommandResult.QueuesDeleted(gone);
    }

    private CommandResult nodeStarted(NodeStarted c) {
        // what it kept in memory is gone; what it kept in groups (durable classic queues) came back with it
        CommandResult r = dropQueues(q -> q.type() == QueueType.CLASSIC && !q.hasGroup() && c.node().equals(q.ownerNode()));
        if (c.dropTransientExchanges()) {
            for (VhostState v : vhosts.values()) {
                for (ExchangeRecord x : List.copyOf(v.exchanges.values())) {
                    if (!x.durable() && !x.builtIn()) removeExchange(v, x.name());
                }
            }
        }
        return r;
    }

    /** A node is forgotten: its classic queues go, quorum queues lose it as a member. */
    private CommandResult removeNode(String name) {
        nodes.remove(name);
        CommandResult r = dropQueues(q -> q.type() == QueueType.CLASSIC && name.equals(q.ownerNode()));
        for (VhostState v : vhosts.values()) {
            for (QueueRecord q : List.copyOf(v.queues.values())) {
                if (q.members().contains(name)) {
                    List<String> m = new ArrayList<>(q.members());
                    m.remove(name);
                    v.queues.put(q.name(), new QueueRecord(q.vhost(), q.name(), q.id(), q.type(), q.durable(), q.exclusive(),
                            q.autoDelete(), q.arguments(), q.groupId(), q.ownerNode(), q.exclusiveOwner(), m));
                }
            }
        }
        return r;
    }

    private CommandResult bind(BindingRecord b) {
        VhostState v = requireVhost(b.vhost());
        checkBindingEnds(v, b);
        if (v.exchanges.get(b.source()).type() == ExchangeType.HEADERS) checkXMatch(b.arguments());
        List<BindingRecord> l = v.bindingsFrom(b.source());
        for (BindingRecord e : l) if (e.sameAs(b)) return CommandResult.OK;
        List<BindingRecord> n = new ArrayList<>(l);
        n.add(b);
        v.bindingsBySource.put(b.source(), List.copyOf(n));
        return CommandResult.OK;
    }

    private void checkBindingEnds(VhostState v, BindingRecord b) {
        if (!v.exchanges.containsKey(b.source())) {
            throw DomainException.notFound("exchange '" + b.source() + "' in vhost '" + b.vhost() + "'");
        }
        boolean destExists = b.toExchange() ? v.exchanges.containsKey(b.destination()) : v.queues.containsKey(b.destination());
        if (!destExists) {
            throw DomainException.notFound((b.toExchange() ? "exchange '" : "queue '") + b.destination() + "' in vhost '" + b.vhost() + "'");
        }
    }

    /** A headers binding's x-match: all, any, all-with-x or any-with-x (a string), or absent. */
    private static void checkXMatch(Map<String, Object> args) {
        if (!args.containsKey("x-match")) return;
        Object m = args.get("x-match");
        if (!(m instanceof String s)) {
            throw DomainException.precondition("Invalid x-match field type " + FieldTables.typeName(m) + " (value "
                    + FieldTables.render(m) + "); expected longstr");
        }
        if (!List.of("all", "any", "all-with-x", "any-with-x").contains(s)) {
            throw DomainException.precondition("Invalid x-match field value \"" + s + "\"; expected all, any, all-with-x, or any-with-x");
        }
    }

    /** Unbinding what is not bound, or from a queue or exchange that does not exist, succeeds (as in RabbitMQ). */
    private CommandResult unbind(BindingRecord b) {
        VhostState v = requireVhost(b.vhost());
        List<BindingRecord> l = v.bindingsFrom(b.source());
        List<BindingRecord> kept = l.stream().filter(e -> !e.sameAs(b)).toList();
        if (kept.size() == l.size()) return CommandResult.OK; // unbinding what is not bound is not an error
        if (kept.isEmpty()) {
            v.bindingsBySource.remove(b.source());
            maybeAutoDelete(v, b.source());
        } else {
            v.bindingsBySource.put(b.source(), kept);
        }
        return CommandResult.OK;
    }

    // ---- snapshot support: the state as the commands that rebuild it ----

    /** Commands that rebuild this state on an empty one, followed by {@link #restoreCounters}. */
    public List<MetadataCommand> asCommands() {
        List<MetadataCommand> out = new ArrayList<>();
        for (io.warren.metadata.model.NodeRecord n : nodes.values()) out.add(new AddNode(n));
        for (VhostState v : vhosts.values()) {
            out.add(new AddVhost(v.name));
            if (v.defaultQueueType != null) out.add(new SetVhostDefaultQueueType(v.name, v.defaultQueueType));
            if (!v.description.isEmpty() || !v.tags.isEmpty()) out.add(new SetVhostMetadata(v.name, v.description, v.tags));
            if (!v.limits.isEmpty()) out.add(new SetLimits(LimitScope.VHOST, v.name, v.limits));
        }
        out.addAll(access.asCommands());
        globalParameters.forEach((k, v) -> out.add(new SetGlobalParameter(k, v)));
        for (VhostState v : vhosts.values()) {
            for (ExchangeRecord x : v.exchanges.values()) out.add(new DeclareExchange(x));
            for (io.warren.metadata.model.PolicyRecord p : v.policies.values()) out.add(new SetPolicy(p));
            for (io.warren.metadata.model.PolicyRecord p : v.operatorPolicies.values()) out.add(new SetOperatorPolicy(p));
        }
        return out;
    }

    public Collection<QueueRecord> allQueues() {
        List<QueueRecord> l = new ArrayList<>();
        for (VhostState v : vhosts.values()) l.addAll(v.queues.values());
        return l;
    }

    public List<BindingRecord> allBindings() {
        List<BindingRecord> l = new ArrayList<>();
        for (VhostState v : vhosts.values()) for (List<BindingRecord> b : v.bindingsBySource.values()) l.addAll(b);
        return l;
    }

    /** Puts a queue record back as it was (snapshot restore only). */
    public void restoreQueue(QueueRecord q) { requireVhost(q.vhost()).queues.put(q.name(), q); }

    public void restoreCounters(long nextQueueId) { this.nextQueueId = nextQueueId; }
}
