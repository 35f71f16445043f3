package io.warren.amqp.connection;

import io.warren.amqp.error.AmqpException;
import io.warren.amqp.error.ReplyCode;
import io.warren.amqp.method.ConnectionMethod;
import io.warren.metadata.model.UserRecord;
import io.warren.metadata.state.MetadataState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** connection.start-ok: who logs in (PLAIN or AMQPLAIN), checked against the users of the metadata and the loopback rule. */
final class Login {
    private static final Logger LOG = LoggerFactory.getLogger(Login.class);

    private Login() { }

    /** The user that logs in, or null when the login is refused (logged, never with the password). */
    static UserRecord authenticate(MetadataState state, AmqpConfig config, ConnectionMethod.StartOk s, boolean fromLoopback,
                                   String connectionId) {
        if (!s.mechanism().equals("PLAIN") && !s.mechanism().equals("AMQPLAIN")) {
            throw AmqpException.of(ReplyCode.COMMAND_INVALID, "unknown authentication mechanism '" + s.mechanism() + "'").during(10, 11);
        }
        Sasl.Credentials c = Sasl.parse(s.mechanism(), s.response());
        UserRecord u = c == null ? null : state.user(c.user());
        boolean ok = u != null && u.checkPassword(c.password());
        if (ok && u.loopbackOnly() && !config.exemptFromLoopback(u.name()) && !fromLoopback) {
            LOG.warn("user '{}' can only connect via localhost", u.name());
            ok = false;
        }
        if (!ok) {
            LOG.warn("connection {}: login refused for user '{}' via {}", connectionId, c == null ? "?" : c.user(), s.mechanism());
            return null;
        }
        return u;
    }
}
