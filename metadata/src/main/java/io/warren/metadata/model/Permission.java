package io.warren.metadata.model;

import java.util.regex.Pattern;

/** configure / write / read regular expressions of one user in one vhost, as RabbitMQ has them. */
public record Permission(String user, String vhost, String configure, String write, String read) {
    public boolean mayConfigure(String resource) { return matches(configure, resource); }

    public boolean mayWrite(String resource) { return matches(write, resource); }

    public boolean mayRead(String resource) { return matches(read, resource); }

    /** RabbitMQ runs the expression unanchored (re:run): "^amq\\." must be anchored by the user. */
    static boolean matches(String regex, String resource) {
        if (regex.isEmpty()) return false;
        return regex.equals(".*") || Pattern.compile(regex).matcher(resource).find();
    }
}
