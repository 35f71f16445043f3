package io.warren.amqp;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.warren.amqp.method.BasicMethod;
import io.warren.amqp.method.ChannelMethod;
import io.warren.amqp.method.ConfirmMethod;
import io.warren.amqp.method.ConnectionMethod;
import io.warren.amqp.method.QueueMethod;
import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.FieldTables;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzing the front end's input: the frame decoder and connection after a handshake, and the field-table parser.
 * {@code @FuzzTest}s run their stored inputs in the normal test run and fuzz coverage-guided with Jazzer under
 * {@code JAZZER_FUZZ=1 mvn -pl amqp-frontend test -Dtest=FrameFuzzTest}; the plain tests run seeded mutations of a
 * recorded valid session every time. The properties: nothing escapes the pipeline as an exception, the server writes
 * only well-formed frames, a bad connection is closed with a protocol code (never 541, an internal error), and a parsed
 * field table writes back to the same value.
 */
class FrameFuzzTest {
    /** Codes a connection.close may carry for bad input; 541 would mean our code threw. */
    private static final Set<Integer> INPUT_CODES = Set.of(320, 402, 403, 501, 502, 503, 504, 505, 506, 530, 540);

    /** A valid client session after the handshake: channel, queue, confirms, a publish with headers, a get, closes. */
    static byte[] recordedSession() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(Wire.method(1, new ChannelMethod.Open("")));
        b.writeBytes(Wire.method(1, new QueueMethod.Declare(0, "fz", false, false, false, false, false,
                Map.of("x-max-length", 10, "x-nested", Map.of("a", List.of(1, "two", 3L))))));
        b.writeBytes(Wire.method(1, new ConfirmMethod.Select(false)));
        b.writeBytes(Wire.method(1, new BasicMethod.Publish(0, "", "fz", false, false)));
        byte[] headerPayload = {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, (byte) 0x90, 0, 10, 't', 'e', 'x', 't', '/', 'p', 'l', 'a', 'i', 'n', 2};
        b.writeBytes(Wire.frame(2, 1, headerPayload, 0xCE));
        b.writeBytes(Wire.frame(3, 1, "hello".getBytes(), 0xCE));
        b.writeBytes(Wire.method(1, new BasicMethod.Get(0, "fz", true)));
        b.writeBytes(Wire.method(1, new ChannelMethod.Close(200, "bye", 0, 0)));
        b.writeBytes(Wire.method(0, new ConnectionMethod.Close(200, "bye", 0, 0)));
        return b.toByteArray();
    }

    /** Feeds {@code input} to a freshly opened connection and checks what the server made of it. */
    static void checkSession(byte[] input) {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(input);
            List<Wire.Out> out = w.drain(); // fails on a malformed frame from the server
            for (Wire.Out o : out) {
                if (o.type() == 1 && o.channel() == 0 && o.payload().length >= 6 && o.payload()[1] == 10 && o.payload()[3] == 50) {
                    int code = ((o.payload()[4] & 0xff) << 8) | (o.payload()[5] & 0xff);
                    if (code != 200 && !INPUT_CODES.contains(code)) fail("connection closed with " + code + " on bad input");
                }
            }
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyBytesAfterTheHandshake(byte[] input) { checkSession(input); }

    @FuzzTest(maxDuration = "60s")
    void anyFieldTable(byte[] input) {
        Map<String, Object> t;
        try {
            t = FieldTables.readTable(new BinaryReader(input));
        } catch (BinaryReader.MalformedException e) {
            return; // refused: the caller turns this into 502
        }
        Map<String, Object> again = FieldTables.decode(FieldTables.encode(t));
        assertTrue(FieldTables.valueEquals(t, again), "a parsed table writes back to itself: " + t);
    }

    /** Seeded mutations of the recorded session (bit flips, overwrites, cuts, splices, length fields made huge). */
    @Test
    void mutatedRecordedSessions() {
        long seed = Long.getLong("seed", 7L);
        Random rnd = new Random(seed);
        byte[] session = recordedSession();
        checkSession(session);
        for (int i = 0; i < 3_000; i++) {
            byte[] m = mutate(session, rnd);
            try {
                checkSession(m);
            } catch (Throwable t) {
                throw new AssertionError("mutation " + i + " of seed " + seed + " (-Dseed=" + seed + "): " + java.util.HexFormat.of().formatHex(m), t);
            }
        }
    }

    static byte[] mutate(byte[] in, Random rnd) {
        byte[] m = in.clone();
        int kind = rnd.nextInt(6);
        switch (kind) {
            case 0 -> { for (int k = 1 + rnd.nextInt(4); k > 0; k--) m[rnd.nextInt(m.length)] ^= (byte) (1 << rnd.nextInt(8)); }
            case 1 -> { for (int k = 1 + rnd.nextInt(4); k > 0; k--) m[rnd.nextInt(m.length)] = (byte) rnd.nextInt(256); }
            case 2 -> m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length));
            case 3 -> { // splice a random chunk in
                byte[] junk = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(junk);
                int at = rnd.nextInt(m.length);
                byte[] r = new byte[m.length + junk.length];
                System.arraycopy(m, 0, r, 0, at);
                System.arraycopy(junk, 0, r, at, junk.length);
                System.arraycopy(m, at, r, at + junk.length, m.length - at);
                m = r;
            }
            case 4 -> { // a 32-bit length somewhere made huge or negative
                int at = rnd.nextInt(m.length - 4);
                int v = rnd.nextBoolean() ? Integer.MAX_VALUE : -1 - rnd.nextInt(1000);
                m[at] = (byte) (v >>> 24); m[at + 1] = (byte) (v >>> 16); m[at + 2] = (byte) (v >>> 8); m[at + 3] = (byte) v;
            }
            default -> { // a duplicated region (frames repeated or interleaved)
                int a = rnd.nextInt(m.length), len = 1 + rnd.nextInt(Math.min(64, m.length - a));
                byte[] r = new byte[m.length + len];
                System.arraycopy(m, 0, r, 0, a + len);
                System.arraycopy(m, a, r, a + len, m.length - a);
                m = r;
            }
        }
        return m;
    }

    @Test
    void theRecordedSessionIsValid() {
        try (Wire w = new Wire()) {
            w.handshake(131072);
            w.send(recordedSession());
            var methods = w.methods();
            assertTrue(methods.stream().anyMatch(m -> m instanceof BasicMethod.GetOk), "the session publishes and gets a message: " + methods);
            methods.addAll(w.methods());
            assertTrue(methods.stream().anyMatch(m -> m instanceof ConnectionMethod.CloseOk), "and closes cleanly: " + methods);
        }
    }
}
