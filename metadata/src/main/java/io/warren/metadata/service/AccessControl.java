package io.warren.metadata.service;

import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.command.MetadataCommand.LimitScope;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.HashingAlgorithm;
import io.warren.metadata.model.PasswordHash;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.model.TopicPermission;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.port.MetadataPort;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Users, vhosts, permissions, topic permissions and limits, changed with the checks RabbitMQ makes (expressions that
 * compile, known limit names, existing users and vhosts) and one metadata command each; what the HTTP API, the CLI and
 * definitions call. Reads are the metadata state's.
 */
public final class AccessControl {
    public static final Set<String> VHOST_LIMITS = Set.of("max-connections", "max-queues");
    public static final Set<String> USER_LIMITS = Set.of("max-connections", "max-channels");

    private final MetadataPort metadata;

    public AccessControl(MetadataPort metadata) { this.metadata = metadata; }

    private CompletableFuture<Void> change(MetadataCommand c) { return metadata.change(c).thenApply(r -> null); }

    private static CompletableFuture<Void> refuse(DomainException e) { return CompletableFuture.failedFuture(e); }

    /** The user, if the password is its password (never says which of the two was wrong). */
    public UserRecord authenticate(String user, String password) {
        UserRecord u = metadata.state().user(user);
        return u != null && u.checkPassword(password) ? u : null;
    }

    /**
     * Adds or replaces a user: with {@code password} (hashed here with SHA-256), or a ready {@code hash} made with
     * {@code algorithm} (imports, pre-hashed passwords), or neither (no password: it cannot log in with one).
     */
    public CompletableFuture<Void> putUser(String name, String password, byte[] hash, HashingAlgorithm algorithm, Set<String> tags) {
        if (name == null || name.isEmpty()) return refuse(DomainException.invalid("a user needs a name"));
        byte[] stored = password != null ? PasswordHash.hash(password) : hash == null ? new byte[0] : hash;
        HashingAlgorithm alg = password != null || algorithm == null ? HashingAlgorithm.SHA256 : algorithm;
        if (stored.length > 0 && stored.length < 5) return refuse(DomainException.invalid("password_hash is too short"));
        UserRecord old = metadata.state().user(name);
        boolean loopback = old != null ? old.loopbackOnly() : name.equals("guest");
        return change(new MetadataCommand.PutUser(new UserRecord(name, stored, tags, loopback, alg)));
    }

    /** Changes only the password; an unknown user is NOT_FOUND. */
    public CompletableFuture<Void> changePassword(String name, String password) {
        UserRecord u = metadata.state().user(name);
        if (u == null) return refuse(DomainException.notFound("user '" + name + "'"));
        byte[] stored = password == null ? new byte[0] : PasswordHash.hash(password);
        return change(new MetadataCommand.PutUser(new UserRecord(name, stored, u.tags(), u.loopbackOnly(), HashingAlgorithm.SHA256)));
    }

    public CompletableFuture<Void> setTags(String name, Set<String> tags) {
        UserRecord u = metadata.state().user(name);
        if (u == null) return refuse(DomainException.notFound("user '" + name + "'"));
        return change(new MetadataCommand.PutUser(new UserRecord(name, u.passwordHash(), tags, u.loopbackOnly(), u.algorithm())));
    }

    public CompletableFuture<Void> deleteUser(String name) { return change(new MetadataCommand.DeleteUser(name)); }

    /** Adds a vhost (or updates the description, tags and default queue type of an existing one). */
    public CompletableFuture<Void> putVhost(String name, String description, List<String> tags, QueueType defaultQueueType) {
        if (name == null || name.isEmpty()) return refuse(DomainException.invalid("a vhost needs a name"));
        CompletableFuture<Void> f = change(new MetadataCommand.AddVhost(name));
        if (description != null || tags != null) {
            f = f.thenCompose(x -> change(new MetadataCommand.SetVhostMetadata(name, description == null ? "" : description,
                    tags == null ? List.of() : tags)));
        }
        if (defaultQueueType != null) f = f.thenCompose(x -> change(new MetadataCommand.SetVhostDefaultQueueType(name, defaultQueueType)));
        return f;
    }

    public CompletableFuture<Void> deleteVhost(String name) { return change(new MetadataCommand.DeleteVhost(name)); }

    public CompletableFuture<Void> setPermission(Permission p) {
        DomainException bad = badRegex(p.configure(), p.write(), p.read());
        return bad != null ? refuse(bad) : change(new MetadataCommand.SetPermission(p));
    }

    public CompletableFuture<Void> clearPermission(String user, String vhost) {
        if (metadata.state().permission(user, vhost) == null && metadata.state().user(user) != null && metadata.state().vhost(vhost) != null) {
            return refuse(DomainException.notFound("permissions of user '" + user + "' in vhost '" + vhost + "'"));
        }
        return change(new MetadataCommand.ClearPermission(user, vhost));
    }

    public CompletableFuture<Void> setTopicPermission(TopicPermission p) {
        if (p.exchange() == null || p.exchange().isEmpty()) return refuse(DomainException.invalid("a topic permission needs an exchange"));
        DomainException bad = badRegex(p.write(), p.read());
        return bad != null ? refuse(bad) : change(new MetadataCommand.SetTopicPermission(p));
    }

    /** {@code exchange} null or "": all of the user's topic permissions in the vhost. */
    public CompletableFuture<Void> clearTopicPermission(String user, String vhost, String exchange) {
        return change(new MetadataCommand.ClearTopicPermission(user, vhost, exchange == null ? "" : exchange));
    }

    /** Replaces a vhost's or user's limits (an empty map clears them); unknown names and non-integers are refused. */
    public CompletableFuture<Void> setLimits(LimitScope scope, String name, Map<String, ?> limits) {
        Set<String> known = scope == LimitScope.VHOST ? VHOST_LIMITS : USER_LIMITS;
        Map<String, Long> out = new java.util.HashMap<>();
        for (var e : limits.entrySet()) {
            if (!known.contains(e.getKey())) {
                return refuse(DomainException.invalid("Validation failed\n\n" + e.getKey() + " is not a recognised limit (allowed: "
                        + new java.util.TreeSet<>(known) + ")"));
            }
            Object v = e.getValue();
            if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                return refuse(DomainException.invalid("Validation failed\n\n" + e.getKey() + " should be an integer, got " + v));
            }
            out.put(e.getKey(), n.longValue());
        }
        return change(new MetadataCommand.SetLimits(scope, name, out));
    }

    /** Clears one limit of a vhost or user, keeping the others. */
    public CompletableFuture<Void> clearLimit(LimitScope scope, String name, String key) {
        Map<String, Long> now = scope == LimitScope.VHOST
                ? (metadata.state().vhost(name) == null ? Map.of() : metadata.state().vhost(name).limits())
                : metadata.state().access().userLimits(name);
        Map<String, Long> rest = new java.util.HashMap<>(now);
        rest.remove(key);
        return change(new MetadataCommand.SetLimits(scope, name, rest));
    }

    private static DomainException badRegex(String... expressions) {
        for (String r : expressions) {
            try {
                Pattern.compile(r.replace("{username}", "u").replace("{vhost}", "v").replace("{client_id}", "c"));
            } catch (PatternSyntaxException e) {
                return DomainException.invalid("invalid regular expression '" + r + "': " + e.getDescription());
            }
        }
        return null;
    }
}
