package io.warren.amqp.method;

import java.util.Map;

/** AMQP 0-9-1 class connection (10). */
public sealed interface ConnectionMethod extends Method permits ConnectionMethod.Start, ConnectionMethod.StartOk, ConnectionMethod.Secure, ConnectionMethod.SecureOk, ConnectionMethod.Tune, ConnectionMethod.TuneOk, ConnectionMethod.Open, ConnectionMethod.OpenOk, ConnectionMethod.Close, ConnectionMethod.CloseOk, ConnectionMethod.Blocked, ConnectionMethod.Unblocked, ConnectionMethod.UpdateSecret, ConnectionMethod.UpdateSecretOk {
    int CLASS_ID = 10;

    @Override default int classId() { return CLASS_ID; }

    record Start(int versionMajor, int versionMinor, Map<String, Object> serverProperties, byte[] mechanisms, byte[] locales) implements ConnectionMethod {
        public static final int ID = 10;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.octet(versionMajor);
            w.octet(versionMinor);
            w.table(serverProperties);
            w.longStr(mechanisms);
            w.longStr(locales);
        }
        static Start read(MethodReader r) {
            return new Start(r.octet(), r.octet(), r.table(), r.longStr(), r.longStr());
        }
    }

    record StartOk(Map<String, Object> clientProperties, String mechanism, byte[] response, String locale) implements ConnectionMethod {
        public static final int ID = 11;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.table(clientProperties);
            w.shortStr(mechanism);
            w.longStr(response);
            w.shortStr(locale);
        }
        static StartOk read(MethodReader r) {
            return new StartOk(r.table(), r.shortStr(), r.longStr(), r.shortStr());
        }
    }

    record Secure(byte[] challenge) implements ConnectionMethod {
        public static final int ID = 20;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.longStr(challenge);
        }
        static Secure read(MethodReader r) {
            return new Secure(r.longStr());
        }
    }

    record SecureOk(byte[] response) implements ConnectionMethod {
        public static final int ID = 21;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.longStr(response);
        }
        static SecureOk read(MethodReader r) {
            return new SecureOk(r.longStr());
        }
    }

    record Tune(int channelMax, int frameMax, int heartbeat) implements ConnectionMethod {
        public static final int ID = 30;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.shortInt(channelMax);
            w.longInt(frameMax);
            w.shortInt(heartbeat);
        }
        static Tune read(MethodReader r) {
            return new Tune(r.shortInt(), r.longInt(), r.shortInt());
        }
    }

    record TuneOk(int channelMax, int frameMax, int heartbeat) implements ConnectionMethod {
        public static final int ID = 31;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortInt(channelMax);
            w.longInt(frameMax);
            w.shortInt(heartbeat);
        }
        static TuneOk read(MethodReader r) {
            return new TuneOk(r.shortInt(), r.longInt(), r.shortInt());
        }
    }

    record Open(String virtualHost, String capabilities, boolean insist) implements ConnectionMethod {
        public static final int ID = 40;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.shortStr(virtualHost);
            w.shortStr(capabilities);
            w.bit(insist);
        }
        static Open read(MethodReader r) {
            return new Open(r.shortStr(), r.shortStr(), r.bit());
        }
    }

    record OpenOk(String knownHosts) implements ConnectionMethod {
        public static final int ID = 41;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.shortStr(knownHosts);
        }
        static OpenOk read(MethodReader r) {
            return new OpenOk(r.shortStr());
        }
    }

    record Close(int replyCode, String replyText, int failedClassId, int failedMethodId) implements ConnectionMethod {
        public static final int ID = 50;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.BOTH; }
        @Override public void write(MethodWriter w) {
            w.shortInt(replyCode);
            w.shortStr(replyText);
            w.shortInt(failedClassId);
            w.shortInt(failedMethodId);
        }
        static Close read(MethodReader r) {
            return new Close(r.shortInt(), r.shortStr(), r.shortInt(), r.shortInt());
        }
    }

    record CloseOk() implements ConnectionMethod {
        public static final int ID = 51;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.BOTH; }
        @Override public void write(MethodWriter w) { }
        static CloseOk read(MethodReader r) { return new CloseOk(); }
    }

    record Blocked(String reason) implements ConnectionMethod {
        public static final int ID = 60;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) {
            w.shortStr(reason);
        }
        static Blocked read(MethodReader r) {
            return new Blocked(r.shortStr());
        }
    }

    record Unblocked() implements ConnectionMethod {
        public static final int ID = 61;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static Unblocked read(MethodReader r) { return new Unblocked(); }
    }

    record UpdateSecret(byte[] newSecret, String reason) implements ConnectionMethod {
        public static final int ID = 70;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.SERVER; }
        @Override public void write(MethodWriter w) {
            w.longStr(newSecret);
            w.shortStr(reason);
        }
        static UpdateSecret read(MethodReader r) {
            return new UpdateSecret(r.longStr(), r.shortStr());
        }
    }

    record UpdateSecretOk() implements ConnectionMethod {
        public static final int ID = 71;
        @Override public int methodId() { return ID; }
        @Override public Direction direction() { return Direction.CLIENT; }
        @Override public void write(MethodWriter w) { }
        static UpdateSecretOk read(MethodReader r) { return new UpdateSecretOk(); }
    }
}
