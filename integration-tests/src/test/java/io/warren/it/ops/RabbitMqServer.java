package io.warren.it.ops;

import io.warren.it.TestNode;
import io.warren.it.faults.Sh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node of Debian's rabbitmq-server (installed if missing) with its management plugin, on free loopback ports and
 * its own directory, for interop tests; {@link #close} stops it (and the epmd it started, if any) and removes the files.
 */
final class RabbitMqServer implements AutoCloseable {
    static final String BIN = "/usr/lib/rabbitmq/bin";

    final Path dir;
    final int amqpPort;
    final int managementPort;
    final int distPort;
    final String nodeName;
    private Process epmd;

    private RabbitMqServer() throws IOException {
        dir = Files.createTempDirectory("warren-rmq");
        amqpPort = TestNode.freePort();
        managementPort = TestNode.freePort();
        distPort = TestNode.freePort();
        nodeName = "warren-interop-" + ProcessHandle.current().pid() + "@localhost";
    }

    static RabbitMqServer start() throws Exception {
        Sh.ensurePackages("rabbitmq-server");
        RabbitMqServer s = new RabbitMqServer();
        try {
            s.launch();
            return s;
        } catch (Exception e) {
            s.close();
            throw e;
        }
    }

    private Map<String, String> env() {
        Map<String, String> e = new HashMap<>(System.getenv());
        e.put("HOME", dir.toString());
        e.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        e.put("LC_ALL", "C.UTF-8");
        e.put("RABBITMQ_NODENAME", nodeName);
        e.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        e.put("RABBITMQ_NODE_PORT", String.valueOf(amqpPort));
        e.put("RABBITMQ_DIST_PORT", String.valueOf(distPort));
        e.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        e.put("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString());
        e.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        e.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        e.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        e.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        e.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
        e.put("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");
        return e;
    }

    private void launch() throws Exception {
        Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(dir.resolve("mnesia"));
        Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.default = 127.0.0.1:" + amqpPort + "\n"
                + "management.tcp.port = " + managementPort + "\nmanagement.tcp.ip = 127.0.0.1\n");
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
        Files.writeString(dir.resolve("enabled_plugins"), "[rabbitmq_management].\n");
        Path cookie = dir.resolve(".erlang.cookie");
        Files.writeString(cookie, Long.toHexString(System.nanoTime()) + Long.toHexString(ProcessHandle.current().pid()));
        Files.setPosixFilePermissions(cookie, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        if (new ProcessBuilder("epmd", "-names").start().waitFor() != 0) {
            epmd = new ProcessBuilder("epmd", "-address", "127.0.0.1").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("log/epmd.log").toFile()).start();
        }
        ProcessBuilder pb = new ProcessBuilder(BIN + "/rabbitmq-server").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log/stdout.log").toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env());
        pb.start();
        ctl(180, "wait", "--timeout", "150", dir.resolve("pid").toString());
        ctl(180, "await_startup", "--timeout", "150");
    }

    /** Runs rabbitmqctl against this node; fails with its output unless it exits 0. */
    String ctl(int timeoutS, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BIN + "/rabbitmqctl", "-q", "-n", nodeName));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("rabbitmqctl " + String.join(" ", args) + " did not finish");
        }
        if (p.exitValue() != 0) {
            String log = Files.exists(dir.resolve("log/stdout.log")) ? Files.readString(dir.resolve("log/stdout.log")) : "";
            throw new IOException("rabbitmqctl " + String.join(" ", args) + " exited " + p.exitValue() + ": " + out + "\n" + log);
        }
        return out;
    }

    private long pid() {
        try {
            return Long.parseLong(Files.readString(dir.resolve("pid")).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() throws Exception {
        long pid = pid();
        if (pid > 0) {
            try {
                ctl(90, "stop");
            } catch (Exception e) {
                // killed below
            }
            ProcessHandle.of(pid).ifPresent(h -> {
                try {
                    h.onExit().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    h.destroyForcibly();
                }
            });
        }
        if (epmd != null) {
            epmd.destroy();
            epmd.waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
