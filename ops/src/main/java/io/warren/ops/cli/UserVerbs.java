package io.warren.ops.cli;

import io.warren.metadata.model.PasswordHash;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** rabbitmqctl's user verbs, as calls to the node's management API (so both answer alike). */
final class UserVerbs {
    private UserVerbs() { }

    static final int NO_SUCH_USER = 67;

    abstract static class Verb implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> user(Ctl ctl, String name) throws Exception {
        return (Map<String, Object>) named(name, () -> ctl.api("GET", NO_SUCH_USER, null, Map.of(), "users", name));
    }

    /** A call about a user: "no_such_user: NAME" (exit 67) when it does not exist, as rabbitmqctl says it. */
    static Object named(String user, Callable<Object> call) throws Exception {
        try {
            return call.call();
        } catch (Ctl.Failure f) {
            throw f.exitCode == NO_SUCH_USER ? new Ctl.Failure(NO_SUCH_USER, "no_such_user: " + user) : f;
        }
    }

    /** Reads a password from the console (or stdin) when the command line has none, as rabbitmqctl does. */
    static String readPassword(String prompt) throws java.io.IOException {
        if (System.console() != null) return new String(System.console().readPassword(prompt));
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        if (line == null) throw new Ctl.Failure(64, "no password given");
        return line;
    }

    @Command(name = "add_user", description = "adds a user (with a password, or a hash given by --pre-hashed-password)")
    static final class AddUser extends Verb {
        @Parameters(index = "0") String name;
        @Parameters(index = "1", arity = "0..1") String password;
        @Option(names = "--pre-hashed-password", description = "the second argument is a base64 hash (rabbit_password_hashing_sha256)")
        boolean preHashed;

        @Override public Integer call() throws Exception {
            ctl.banner("Adding user \"" + name + "\" ...");
            try {
                user(ctl, name);
                throw new Ctl.Failure(70, "User \"" + name + "\" already exists");
            } catch (Ctl.Failure f) {
                if (f.exitCode != NO_SUCH_USER) throw f;
            }
            String pw = password != null ? password : readPassword("Password: ");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tags", "");
            if (preHashed) {
                PasswordHash.fromBase64(pw); // refuses what is not base64 before it reaches the node
                body.put("password_hash", pw);
            } else {
                body.put("password", pw);
            }
            ctl.api("PUT", body, "users", name);
            if (!ctl.quiet) {
                System.out.println("Done. Don't forget to grant the user permissions to some virtual hosts! "
                        + "See 'rabbitmqctl help set_permissions' to learn more.");
            }
            return 0;
        }
    }

    @Command(name = "delete_user", description = "deletes a user with its permissions")
    static final class DeleteUser extends Verb {
        @Parameters(index = "0") String name;

        @Override public Integer call() throws Exception {
            ctl.banner("Deleting user \"" + name + "\" ...");
            named(name, () -> ctl.api("DELETE", NO_SUCH_USER, null, Map.of(), "users", name));
            return 0;
        }
    }

    @Command(name = "change_password", description = "sets a user's password")
    static final class ChangePassword extends Verb {
        @Parameters(index = "0") String name;
        @Parameters(index = "1", arity = "0..1") String password;

        @Override public Integer call() throws Exception {
            ctl.banner("Changing password for user \"" + name + "\" ...");
            Map<String, Object> u = user(ctl, name);
            String pw = password != null ? password : readPassword("Password: ");
            ctl.api("PUT", Map.of("password", pw, "tags", u.get("tags")), "users", name);
            return 0;
        }
    }

    @Command(name = "clear_password", description = "removes a user's password: it can no longer log in with one")
    static final class ClearPassword extends Verb {
        @Parameters(index = "0") String name;

        @Override public Integer call() throws Exception {
            ctl.banner("Clearing password for user \"" + name + "\" ...");
            Map<String, Object> u = user(ctl, name);
            ctl.api("PUT", Map.of("password_hash", "", "tags", u.get("tags")), "users", name);
            return 0;
        }
    }

    @Command(name = "set_user_tags", description = "replaces a user's tags (none: clears them)")
    static final class SetUserTags extends Verb {
        @Parameters(index = "0") String name;
        @Parameters(index = "1..*", arity = "0..*") List<String> tags = new ArrayList<>();

        @Override public Integer call() throws Exception {
            ctl.banner("Setting tags for user \"" + name + "\" to [" + String.join(", ", tags) + "] ...");
            Map<String, Object> u = user(ctl, name);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tags", tags);
            body.put("password_hash", u.get("password_hash"));
            body.put("hashing_algorithm", u.get("hashing_algorithm"));
            ctl.api("PUT", body, "users", name);
            return 0;
        }
    }

    @Command(name = "list_users", description = "lists users and their tags")
    static final class ListUsers extends Verb {
        @Option(names = "--no-table-headers") boolean noHeaders;

        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            List<Map<String, Object>> users = (List<Map<String, Object>>) ctl.api("GET", null, "users");
            List<Map<String, Object>> rows = users.stream().map(u -> Ctl.row("user", u.get("name"), "tags", u.get("tags"))).toList();
            Columns.print(ctl, "Listing users ...", rows, List.of("user", "tags"), List.of("user", "tags"), List.of(), noHeaders);
            return 0;
        }
    }

    @Command(name = "authenticate_user", description = "checks a user's password (exit 0 when it is right)")
    static final class AuthenticateUser extends Verb {
        @Parameters(index = "0") String name;
        @Parameters(index = "1", arity = "0..1") String password;

        @Override public Integer call() throws Exception {
            ctl.banner("Authenticating user \"" + name + "\" ...");
            String pw = password != null ? password : readPassword("Password: ");
            try {
                ctl.api("POST", Map.of("user", name, "password", pw), "operator", "authenticate");
            } catch (Ctl.Failure f) {
                throw new Ctl.Failure(65, "failed to authenticate user \"" + name + "\"\n" + f.getMessage());
            }
            System.out.println("Success");
            return 0;
        }
    }

    @Command(name = "hash_password", description = "prints the salted SHA-256 hash of a password, as definitions hold it")
    static final class HashPassword extends Verb {
        @Parameters(index = "0", arity = "0..1") String password;

        @Override public Integer call() throws Exception {
            String pw = password != null ? password : readPassword("Password: ");
            ctl.banner("Will hash password " + pw);
            System.out.println(PasswordHash.toBase64(PasswordHash.hash(pw)));
            return 0;
        }
    }
}
