package io.warren.it.faults;

import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Warren node as a separate JVM inside its own network namespace; kill -9, SIGSTOP/SIGCONT and restart by pid. */
final class FaultNode {
    static final int AMQP_PORT = 5672, RAFT_PORT = 25672;

    final int index;        // 1-based
    final String name;      // n<index>@<ip>
    final String ip;
    final Path dataDir;
    private final List<String> launchCommand;
    private Process process;
    private boolean paused;

    FaultNode(Net net, int index, List<String> peers, String secret, Path dataDir) {
        this.index = index;
        this.ip = net.ip(index);
        this.name = "n" + index + "@" + ip;
        this.dataDir = dataDir;
        List<String> cmd = new ArrayList<>(net.exec(index));
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xss512k", "-Xmx384m", "-XX:+ExplicitGCInvokesConcurrent", "-cp", System.getProperty("java.class.path"),
                "io.warren.ops.Main", "--node-name", name, "--data-dir", dataDir.toString(),
                "--amqp-port", String.valueOf(AMQP_PORT), "--raft-port", String.valueOf(RAFT_PORT),
                "--set", "amqp_bind=" + ip, "--set", "raft_host=" + ip, "--cluster-secret", secret,
                "--set", "message_cache_bytes=16MB", "--set", "loopback_users.guest=false"));
        for (String p : peers) cmd.addAll(List.of("--peer", p));
        this.launchCommand = cmd;
    }

    /** Starts the process (ip netns exec execs java, so the pid is the JVM's). */
    synchronized void launch() throws IOException {
        if (alive()) return;
        Files.createDirectories(dataDir);
        process = new ProcessBuilder(launchCommand).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("node.log").toFile())).start();
        paused = false;
    }

    synchronized boolean alive() { return process != null && process.isAlive(); }

    synchronized boolean paused() { return paused; }

    ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(ip);
        f.setPort(AMQP_PORT);
        f.setAutomaticRecoveryEnabled(false);
        f.setConnectionTimeout(3_000);
        f.setHandshakeTimeout(5_000);
        f.setRequestedHeartbeat(3);
        f.setShutdownTimeout(1_000);
        f.setChannelRpcTimeout(15_000);
        return f;
    }

    String raftAddress() { return ip + ":" + RAFT_PORT; }

    /** Waits until the node accepts an AMQP connection (or fails saying why). */
    void awaitAmqp(long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            if (!alive()) throw new IllegalStateException(name + " exited; log: " + dataDir.resolve("node.log"));
            try (var c = factory().newConnection()) {
                return;
            } catch (Exception e) {
                if (System.currentTimeMillis() > deadline) throw new IllegalStateException(name + " did not accept AMQP connections", e);
                Thread.sleep(200);
            }
        }
    }

    synchronized void kill9() throws InterruptedException {
        if (process == null) return;
        if (paused) signal("CONT");
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        paused = false;
    }

    synchronized void pause() { if (alive() && !paused) { signal("STOP"); paused = true; } }

    synchronized void resume() { if (alive() && paused) { signal("CONT"); paused = false; } }

    private void signal(String sig) {
        Sh.Result r = Sh.quiet("kill", "-" + sig, String.valueOf(process.pid()));
        if (r.exit() != 0) throw new IllegalStateException("kill -" + sig + " " + process.pid() + ": " + r.out());
    }

    /** Kills the process if still running and keeps its log in target/fault-logs/. */
    synchronized void destroy(Path keepLogsIn) {
        try {
            if (process != null && process.isAlive()) {
                if (paused) signal("CONT");
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            Path log = dataDir.resolve("node.log");
            if (Files.exists(log)) {
                Files.createDirectories(keepLogsIn);
                Files.copy(log, keepLogsIn.resolve("n" + index + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (Exception e) {
            System.err.println("cleaning up " + name + ": " + e);
        }
    }
}
