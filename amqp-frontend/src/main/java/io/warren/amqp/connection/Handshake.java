package io.warren.amqp.connection;

import io.warren.amqp.error.AmqpException;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.ConnectionMethod;
import io.warren.amqp.method.Method;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.state.MetadataState;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The opening of a connection, step by step: start, start-ok (the login), tune, tune-ok (the limits), open (the vhost),
 * open-ok. Each step takes only its method; what the client settled (user, capabilities, limits, vhost) is kept here.
 */
final class Handshake {
    /** What the connection does with the steps' outcomes. */
    interface Steps {
        void send(Method m);

        /** The login failed: the connection closes as the client expects. */
        void loginRefused(String mechanism);

        void tuned(Tuning t);

        void opened(String vhost);

        /** Whether the vhost's and user's connection limits let this connection in: null if so, else why not. */
        String admit(String vhost, String user);
    }

    enum Step { START_OK, TUNE_OK, OPEN, DONE }

    private final MetadataState metadata;
    private final AmqpConfig config;
    private final String nodeName;
    private final String connectionId;
    private final Steps steps;
    private Step step = Step.START_OK;
    private String user;
    private Map<String, Object> clientProperties = Map.of();
    private Map<String, Object> clientCapabilities = Map.of();

    Handshake(MetadataState metadata, AmqpConfig config, String nodeName, String connectionId, Steps steps) {
        this.metadata = metadata;
        this.config = config;
        this.nodeName = nodeName;
        this.connectionId = connectionId;
        this.steps = steps;
    }

    String user() { return user; }

    Map<String, Object> clientProperties() { return clientProperties; }

    boolean clientCapability(String name) { return Boolean.TRUE.equals(clientCapabilities.get(name)); }

    void start() {
        steps.send(new ConnectionMethod.Start(0, 9, ServerProperties.of(nodeName), "PLAIN AMQPLAIN".getBytes(StandardCharsets.UTF_8),
                "en_US".getBytes(StandardCharsets.UTF_8)));
    }

    /** A channel-0 method while the connection is not open yet. */
    void handle(Method m, boolean fromLoopback) {
        switch (step) {
            case START_OK -> {
                if (!(m instanceof ConnectionMethod.StartOk s)) throw unexpected(m, "connection.start-ok");
                startOk(s, fromLoopback);
            }
            case TUNE_OK -> {
                if (!(m instanceof ConnectionMethod.TuneOk t)) throw unexpected(m, "connection.tune-ok");
                steps.tuned(Tuning.negotiate(config, t));
                step = Step.OPEN;
            }
            case OPEN -> {
                if (!(m instanceof ConnectionMethod.Open o)) throw unexpected(m, "connection.open");
                open(o);
            }
            case DONE -> throw unexpected(m, "connection handshake");
        }
    }

    private static AmqpException unexpected(Method m, String expected) {
        return AmqpException.of(ReplyCode.COMMAND_INVALID, "expected '" + expected + "', got '" + m.name() + "'").during(m.classId(), m.methodId());
    }

    @SuppressWarnings("unchecked")
    private void startOk(ConnectionMethod.StartOk s, boolean fromLoopback) {
        clientProperties = s.clientProperties();
        if (s.clientProperties().get("capabilities") instanceof Map<?, ?> caps) clientCapabilities = (Map<String, Object>) caps;
        UserRecord u = Login.authenticate(metadata, config, s, fromLoopback, connectionId);
        if (u == null) {
            step = Step.DONE;
            steps.loginRefused(s.mechanism());
            return;
        }
        user = u.name();
        step = Step.TUNE_OK;
        steps.send(new ConnectionMethod.Tune(config.channelMax(), config.frameMax(), config.heartbeatSeconds()));
    }

    private void open(ConnectionMethod.Open o) {
        if (metadata.vhost(o.virtualHost()) == null) {
            throw AmqpException.of(ReplyCode.NOT_ALLOWED, "vhost " + o.virtualHost() + " not found").during(10, 40);
        }
        if (metadata.permission(user, o.virtualHost()) == null) {
            throw AmqpException.of(ReplyCode.NOT_ALLOWED, "access to vhost '" + o.virtualHost() + "' refused for user '" + user + "'").during(10, 40);
        }
        String refused = steps.admit(o.virtualHost(), user);
        if (refused != null) throw AmqpException.of(ReplyCode.NOT_ALLOWED, refused).during(10, 40);
        step = Step.DONE;
        steps.send(new ConnectionMethod.OpenOk(""));
        steps.opened(o.virtualHost());
    }
}
