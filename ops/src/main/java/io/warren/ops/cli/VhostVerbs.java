package io.warren.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** rabbitmqctl's vhost, permission, topic permission and limit verbs, as calls to the node's management API. */
final class VhostVerbs {
    private VhostVerbs() { }

    abstract static class Verb implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
    }

    abstract static class InVhost extends Verb {
        @Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;
    }

    abstract static class Listing extends InVhost {
        @Option(names = "--no-table-headers") boolean noHeaders;
        @Parameters(arity = "0..*") List<String> columns = new ArrayList<>();
    }

    @Command(name = "add_vhost", description = "adds a vhost")
    static final class AddVhost extends Verb {
        @Parameters(index = "0") String name;
        @Option(names = "--description") String description;
        @Option(names = "--tags", description = "comma-separated") String tags;
        @Option(names = "--default-queue-type", description = "quorum or classic") String defaultQueueType;

        @Override public Integer call() throws Exception {
            ctl.banner("Adding vhost \"" + name + "\" ...");
            Map<String, Object> body = new LinkedHashMap<>();
            if (description != null) body.put("description", description);
            if (tags != null) body.put("tags", tags);
            if (defaultQueueType != null) body.put("default_queue_type", defaultQueueType);
            ctl.api("PUT", body, "vhosts", name);
            return 0;
        }
    }

    @Command(name = "delete_vhost", description = "deletes a vhost and everything in it")
    static final class DeleteVhost extends Verb {
        @Parameters(index = "0") String name;

        @Override public Integer call() throws Exception {
            ctl.banner("Deleting vhost \"" + name + "\" ...");
            ctl.api("DELETE", null, "vhosts", name);
            return 0;
        }
    }

    @Command(name = "list_vhosts", description = "lists vhosts")
    static final class ListVhosts extends Verb {
        @Option(names = "--no-table-headers") boolean noHeaders;
        @Parameters(arity = "0..*") List<String> columns = new ArrayList<>();

        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            List<Map<String, Object>> vhosts = (List<Map<String, Object>>) ctl.api("GET", null, "vhosts");
            Columns.print(ctl, "Listing vhosts ...", vhosts, List.of("name"),
                    List.of("name", "description", "tags", "default_queue_type", "tracing", "metadata"), columns, noHeaders);
            return 0;
        }
    }

    @Command(name = "set_permissions", description = "sets a user's configure, write and read expressions in a vhost")
    static final class SetPermissions extends InVhost {
        @Parameters(index = "0") String user;
        @Parameters(index = "1") String configure;
        @Parameters(index = "2") String write;
        @Parameters(index = "3") String read;

        @Override public Integer call() throws Exception {
            ctl.banner("Setting permissions for user \"" + user + "\" in vhost \"" + vhost + "\" ...");
            ctl.api("PUT", Map.of("configure", configure, "write", write, "read", read), "permissions", vhost, user);
            return 0;
        }
    }

    @Command(name = "clear_permissions", description = "removes a user's permissions in a vhost")
    static final class ClearPermissions extends InVhost {
        @Parameters(index = "0") String user;

        @Override public Integer call() throws Exception {
            ctl.banner("Clearing permissions for user \"" + user + "\" in vhost \"" + vhost + "\" ...");
            ctl.api("DELETE", null, "permissions", vhost, user);
            return 0;
        }
    }

    @Command(name = "list_permissions", description = "lists the permissions in a vhost")
    static final class ListPermissions extends Listing {
        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            List<Map<String, Object>> rows = (List<Map<String, Object>>) ctl.api("GET", null, "vhosts", vhost, "permissions");
            List<String> all = List.of("user", "configure", "write", "read");
            Columns.print(ctl, "Listing permissions for vhost \"" + vhost + "\" ...", rows, all, all, columns, noHeaders);
            return 0;
        }
    }

    @Command(name = "list_user_permissions", description = "lists a user's permissions in every vhost")
    static final class ListUserPermissions extends Verb {
        @Parameters(index = "0") String user;
        @Option(names = "--no-table-headers") boolean noHeaders;

        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            List<Map<String, Object>> rows = (List<Map<String, Object>>) ctl.api("GET", UserVerbs.NO_SUCH_USER, null, Map.of(),
                    "users", user, "permissions");
            List<String> all = List.of("vhost", "configure", "write", "read");
            Columns.print(ctl, "Listing permissions for user \"" + user + "\" ...", rows, all, all, List.of(), noHeaders);
            return 0;
        }
    }

    @Command(name = "set_topic_permissions", description = "sets a user's write and read expressions on a topic exchange")
    static final class SetTopicPermissions extends InVhost {
        @Parameters(index = "0") String user;
        @Parameters(index = "1") String exchange;
        @Parameters(index = "2") String write;
        @Parameters(index = "3") String read;

        @Override public Integer call() throws Exception {
            ctl.banner("Setting topic permissions on \"" + exchange + "\" for user \"" + user + "\" in vhost \"" + vhost + "\" ...");
            ctl.api("PUT", Map.of("exchange", exchange, "write", write, "read", read), "topic-permissions", vhost, user);
            return 0;
        }
    }

    @Command(name = "clear_topic_permissions", description = "removes a user's topic permissions (on one exchange, or all)")
    static final class ClearTopicPermissions extends InVhost {
        @Parameters(index = "0") String user;
        @Parameters(index = "1", arity = "0..1") String exchange;

        @Override public Integer call() throws Exception {
            ctl.banner("Clearing topic permissions" + (exchange == null ? "" : " on \"" + exchange + "\"") + " for user \"" + user
                    + "\" in vhost \"" + vhost + "\" ...");
            ctl.api("DELETE", 65, null, exchange == null ? Map.of() : Map.of("exchange", exchange), "topic-permissions", vhost, user);
            return 0;
        }
    }

    @Command(name = "list_topic_permissions", description = "lists the topic permissions in a vhost")
    static final class ListTopicPermissions extends Listing {
        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            List<Map<String, Object>> rows = (List<Map<String, Object>>) ctl.api("GET", null, "vhosts", vhost, "topic-permissions");
            List<String> all = List.of("user", "exchange", "write", "read");
            Columns.print(ctl, "Listing topic permissions for vhost \"" + vhost + "\" ...", rows, all, all, columns, noHeaders);
            return 0;
        }
    }

    /** Sets each limit of the JSON object, one call each (as the API takes them). */
    @SuppressWarnings("unchecked")
    static void setLimits(Ctl ctl, String json, String scope, String name) throws Exception {
        Object parsed;
        try {
            parsed = new ObjectMapper().readValue(json, Object.class);
        } catch (java.io.IOException e) {
            throw new Ctl.Failure(65, "the limits are not a JSON object: " + json);
        }
        if (!(parsed instanceof Map<?, ?> m)) throw new Ctl.Failure(65, "the limits are not a JSON object: " + json);
        for (var e : ((Map<String, Object>) m).entrySet()) ctl.api("PUT", Map.of("value", e.getValue()), scope, name, e.getKey());
    }

    @SuppressWarnings("unchecked")
    static void clearLimits(Ctl ctl, String scope, String name, String only, int notFound) throws Exception {
        List<Map<String, Object>> now = (List<Map<String, Object>>) ctl.api("GET", notFound, null, Map.of(), scope, name);
        for (Map<String, Object> entry : now) {
            for (String key : ((Map<String, Object>) entry.get("value")).keySet()) {
                if (only == null || only.equals("all") || only.equals(key)) ctl.api("DELETE", null, scope, name, key);
            }
        }
    }

    @SuppressWarnings("unchecked")
    static void listLimits(Ctl ctl, String scope, String name, int notFound) throws Exception {
        List<Map<String, Object>> now = (List<Map<String, Object>>) ctl.api("GET", notFound, null, Map.of(), scope, name);
        System.out.println(new ObjectMapper().writeValueAsString(now.isEmpty() ? Map.of() : now.get(0).get("value")));
    }

    @Command(name = "set_vhost_limits", description = "sets a vhost's limits, e.g. '{\"max-connections\":100,\"max-queues\":50}'")
    static final class SetVhostLimits extends InVhost {
        @Parameters(index = "0") String json;

        @Override public Integer call() throws Exception {
            ctl.banner("Applying limits \"" + json + "\" to vhost \"" + vhost + "\" ...");
            setLimits(ctl, json, "vhost-limits", vhost);
            return 0;
        }
    }

    @Command(name = "clear_vhost_limits", description = "removes a vhost's limits")
    static final class ClearVhostLimits extends InVhost {
        @Override public Integer call() throws Exception {
            ctl.banner("Clearing vhost \"" + vhost + "\" limits ...");
            clearLimits(ctl, "vhost-limits", vhost, null, 65);
            return 0;
        }
    }

    @Command(name = "list_vhost_limits", description = "prints a vhost's limits as JSON")
    static final class ListVhostLimits extends InVhost {
        @Override public Integer call() throws Exception {
            ctl.banner("Listing limits for vhost \"" + vhost + "\" ...");
            listLimits(ctl, "vhost-limits", vhost, 65);
            return 0;
        }
    }

    @Command(name = "set_user_limits", description = "sets a user's limits, e.g. '{\"max-connections\":10,\"max-channels\":100}'")
    static final class SetUserLimits extends Verb {
        @Parameters(index = "0") String user;
        @Parameters(index = "1") String json;

        @Override public Integer call() throws Exception {
            ctl.banner("Setting user limits to \"" + json + "\" for user \"" + user + "\" ...");
            setLimits(ctl, json, "user-limits", user);
            return 0;
        }
    }

    @Command(name = "clear_user_limits", description = "removes one of a user's limits (or all)")
    static final class ClearUserLimits extends Verb {
        @Parameters(index = "0") String user;
        @Parameters(index = "1", defaultValue = "all") String limit;

        @Override public Integer call() throws Exception {
            ctl.banner("Clearing \"" + limit + "\" limit for user \"" + user + "\" ...");
            clearLimits(ctl, "user-limits", user, limit, UserVerbs.NO_SUCH_USER);
            return 0;
        }
    }

    @Command(name = "list_user_limits", description = "prints a user's limits as JSON")
    static final class ListUserLimits extends Verb {
        @Parameters(index = "0") String user;

        @Override public Integer call() throws Exception {
            ctl.banner("Listing limits for user \"" + user + "\" ...");
            listLimits(ctl, "user-limits", user, UserVerbs.NO_SUCH_USER);
            return 0;
        }
    }
}
