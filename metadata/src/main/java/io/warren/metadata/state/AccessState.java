package io.warren.metadata.state;

import io.warren.metadata.command.CommandResult;
import io.warren.metadata.command.MetadataCommand;
import io.warren.metadata.command.MetadataCommand.*;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.Permission;
import io.warren.metadata.model.TopicPermission;
import io.warren.metadata.model.UserRecord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Who may do what: users, their permissions and topic permissions per vhost, and their limits. Part of
 * {@link MetadataState}: written by its apply thread only, read from any thread.
 */
public final class AccessState {
    private final Map<String, UserRecord> users = new ConcurrentHashMap<>();
    private final Map<String, Permission> permissions = new ConcurrentHashMap<>();
    /** user NUL vhost NUL exchange → topic permission. */
    private final Map<String, TopicPermission> topicPermissions = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> userLimits = new ConcurrentHashMap<>();
    private final Predicate<String> vhostExists;

    AccessState(Predicate<String> vhostExists) { this.vhostExists = vhostExists; }

    public UserRecord user(String name) { return users.get(name); }

    public Collection<UserRecord> users() { return users.values(); }

    public Permission permission(String user, String vhost) { return permissions.get(key(user, vhost)); }

    public Collection<Permission> permissions() { return permissions.values(); }

    public Collection<TopicPermission> topicPermissions() { return topicPermissions.values(); }

    /** The user's topic permission on one exchange of a vhost, or null (then anything goes, as in RabbitMQ). */
    public TopicPermission topicPermission(String user, String vhost, String exchange) {
        if (topicPermissions.isEmpty()) return null; // the common case, on the publish path: no key built
        return topicPermissions.get(key(user, vhost) + "\u0000" + exchange);
    }

    /** A user's limits (empty: none). */
    public Map<String, Long> userLimits(String user) { return userLimits.getOrDefault(user, Map.of()); }

    /** Whether some user has a limit named {@code key}. */
    public boolean anyUserLimit(String key) { return userLimits.values().stream().anyMatch(l -> l.containsKey(key)); }

    private static String key(String user, String vhost) { return user + "\u0000" + vhost; }

    CommandResult apply(MetadataCommand cmd) {
        switch (cmd.kind()) {
            case PUT_USER, PUT_USER_HASHED -> {
                UserRecord u = ((PutUser) cmd).user();
                users.put(u.name(), u);
            }
            case DELETE_USER -> {
                DeleteUser c = (DeleteUser) cmd;
                if (users.remove(c.name()) == null) throw DomainException.notFound("user '" + c.name() + "'");
                permissions.values().removeIf(p -> p.user().equals(c.name()));
                topicPermissions.values().removeIf(p -> p.user().equals(c.name()));
                userLimits.remove(c.name());
            }
            case SET_PERMISSION -> {
                SetPermission c = (SetPermission) cmd;
                Permission p = c.permission();
                requireUserAndVhost(p.user(), p.vhost());
                permissions.put(key(p.user(), p.vhost()), p);
            }
            case CLEAR_PERMISSION -> {
                ClearPermission c = (ClearPermission) cmd;
                requireUserAndVhost(c.user(), c.vhost());
                permissions.remove(key(c.user(), c.vhost()));
            }
            case SET_TOPIC_PERMISSION -> {
                SetTopicPermission c = (SetTopicPermission) cmd;
                TopicPermission p = c.permission();
                requireUserAndVhost(p.user(), p.vhost());
                topicPermissions.put(key(p.user(), p.vhost()) + "\u0000" + p.exchange(), p);
            }
            case CLEAR_TOPIC_PERMISSION -> {
                ClearTopicPermission c = (ClearTopicPermission) cmd;
                requireUserAndVhost(c.user(), c.vhost());
                topicPermissions.values().removeIf(p -> p.user().equals(c.user()) && p.vhost().equals(c.vhost())
                        && (c.exchange().isEmpty() || p.exchange().equals(c.exchange())));
            }
            case SET_LIMITS -> {
                SetLimits c = (SetLimits) cmd;
                if (!users.containsKey(c.name())) throw DomainException.notFound("user '" + c.name() + "'");
                if (c.limits().isEmpty()) userLimits.remove(c.name());
                else userLimits.put(c.name(), c.limits());
            }
            default -> throw new IllegalArgumentException("not an access command: " + cmd.kind());
        }
        return CommandResult.OK;
    }

    /** A vhost went: so do the permissions in it. */
    void vhostDeleted(String vhost) {
        permissions.values().removeIf(p -> p.vhost().equals(vhost));
        topicPermissions.values().removeIf(p -> p.vhost().equals(vhost));
    }

    private void requireUserAndVhost(String user, String vhost) {
        if (!users.containsKey(user)) throw DomainException.notFound("user '" + user + "'");
        if (!vhostExists.test(vhost)) throw DomainException.notFound("vhost '" + vhost + "'");
    }

    /** The commands that rebuild this part (after the vhosts exist). */
    List<MetadataCommand> asCommands() {
        List<MetadataCommand> out = new ArrayList<>();
        for (UserRecord u : users.values()) out.add(new PutUser(u));
        for (Permission p : permissions.values()) out.add(new SetPermission(p));
        for (TopicPermission p : topicPermissions.values()) out.add(new SetTopicPermission(p));
        userLimits.forEach((u, l) -> out.add(new SetLimits(LimitScope.USER, u, l)));
        return out;
    }
}
