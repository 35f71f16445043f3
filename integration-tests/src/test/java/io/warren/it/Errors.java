package io.warren.it;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.*;

/** Assertions on how the broker closed a channel or a connection, as the Java client reports it. */
final class Errors {
    private Errors() { }

    record Closed(boolean connection, int code, String text) { }

    static Closed closedBy(Executable e) {
        Throwable t = assertThrows(Throwable.class, e);
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ShutdownSignalException s) {
                Method m = s.getReason();
                if (m instanceof AMQP.Channel.Close cc) return new Closed(false, cc.getReplyCode(), cc.getReplyText());
                if (m instanceof AMQP.Connection.Close cc) return new Closed(true, cc.getReplyCode(), cc.getReplyText());
            }
        }
        throw new AssertionError("not closed by the broker: " + t, t);
    }

    /** The call must close its channel with {@code code}; returns the reply text. */
    static String channelError(int code, Executable e) {
        Closed c = closedBy(e);
        assertFalse(c.connection(), "expected a channel error, got connection close " + c);
        assertEquals(code, c.code(), c.text());
        return c.text();
    }

    /** The call must close the connection with {@code code}; returns the reply text. */
    static String connectionError(int code, Executable e) {
        Closed c = closedBy(e);
        assertTrue(c.connection(), "expected a connection error, got channel close " + c);
        assertEquals(code, c.code(), c.text());
        return c.text();
    }
}
