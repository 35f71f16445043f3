package io.warren.amqp.connection;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.codec.FieldTables;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** SASL PLAIN and AMQPLAIN: the user name and password a start-ok response carries, or null if malformed. */
final class Sasl {
    record Credentials(String user, String password) { }

    private Sasl() { }

    static Credentials parse(String mechanism, byte[] response) {
        try {
            return switch (mechanism) {
                case "PLAIN" -> plain(response);
                case "AMQPLAIN" -> amqplain(response);
                default -> null;
            };
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** authzid NUL authcid NUL password */
    private static Credentials plain(byte[] r) {
        String s = new String(r, StandardCharsets.UTF_8);
        int a = s.indexOf('\0');
        int b = a < 0 ? -1 : s.indexOf('\0', a + 1);
        if (a < 0 || b < 0) return null;
        return new Credentials(s.substring(a + 1, b), s.substring(b + 1));
    }

    /** A field table without its length prefix, holding LOGIN and PASSWORD. */
    private static Credentials amqplain(byte[] r) {
        BinaryWriter w = new BinaryWriter(r.length + 4);
        w.i32(r.length).bytes(r);
        Map<String, Object> t = FieldTables.readTable(new BinaryReader(w.toByteArray()));
        Object login = t.get("LOGIN");
        Object password = t.get("PASSWORD");
        if (login == null || password == null) return null;
        return new Credentials(FieldTables.render(login), FieldTables.render(password));
    }
}
