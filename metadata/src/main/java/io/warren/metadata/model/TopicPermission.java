package io.warren.metadata.model;

/**
 * What one user may publish ({@code write}) and bind ({@code read}) with, by routing key, on one topic exchange of one
 * vhost (RabbitMQ's topic permissions). The expressions may name {@code {username}}, {@code {vhost}} and
 * {@code {client_id}}, filled in when checked.
 */
public record TopicPermission(String user, String vhost, String exchange, String write, String read) {
    public boolean mayWrite(String routingKey, String clientId) { return matches(write, routingKey, clientId); }

    public boolean mayRead(String routingKey, String clientId) { return matches(read, routingKey, clientId); }

    private boolean matches(String regex, String key, String clientId) {
        String expanded = regex.replace("{username}", user).replace("{vhost}", vhost)
                .replace("{client_id}", clientId == null ? "" : clientId);
        return Permission.matches(expanded, key);
    }
}
