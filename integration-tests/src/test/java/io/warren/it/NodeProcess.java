package io.warren.it;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Warren node as a separate JVM (the real `main`), so that tests can kill -9 it. */
final class NodeProcess implements AutoCloseable {
    final Path dataDir;
    final int amqpPort;
    final int raftPort;
    final int managementPort;
    final int prometheusPort;
    final List<String> extraArgs = new ArrayList<>();
    String maxHeap = "-Xmx1g";
    private Process process;

    final String name;

    NodeProcess() throws IOException { this("warren@proc"); }

    NodeProcess(String name) throws IOException {
        this.name = name;
        dataDir = Files.createTempDirectory("warren-proc");
        amqpPort = TestNode.freePort();
        raftPort = TestNode.freePort();
        managementPort = TestNode.freePort();
        prometheusPort = TestNode.freePort();
    }

    NodeProcess start() throws Exception {
        launch();
        return awaitUp();
    }

    /** Starts the process without waiting (nodes of a cluster start together). */
    NodeProcess launch() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss512k", maxHeap, "-XX:+ExplicitGCInvokesConcurrent",
                "-cp", System.getProperty("java.class.path"), "io.warren.ops.Main",
                "--node-name", name, "--data-dir", dataDir.toString(),
                "--amqp-port", String.valueOf(amqpPort), "--raft-port", String.valueOf(raftPort),
                "--management-port", String.valueOf(managementPort), "--prometheus-port", String.valueOf(prometheusPort),
                "--set", "management.tcp.ip=127.0.0.1",
                "--set", "amqp_bind=127.0.0.1", "--set", "raft_host=127.0.0.1"));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("node.log").toFile())).start();
        return this;
    }

    NodeProcess awaitUp() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            if (!process.isAlive()) throw new IllegalStateException("node exited: " + Files.readString(dataDir.resolve("node.log")));
            try (Connection c = factory().newConnection()) {
                return this;
            } catch (Exception e) {
                if (System.currentTimeMillis() > deadline) throw new IllegalStateException("node did not come up", e);
                Thread.sleep(100);
            }
        }
    }

    ConnectionFactory factory() {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost("127.0.0.1");
        f.setPort(amqpPort);
        f.setAutomaticRecoveryEnabled(false);
        return f;
    }

    long pid() { return process.pid(); }

    /** kill -9: no shutdown hook, no flush. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP / SIGCONT: the node stops answering without closing its connections (as behind a partition). */
    void pause() throws Exception { signal("STOP"); }

    void resume() throws Exception { signal("CONT"); }

    private void signal(String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed");
    }

    /** SIGTERM: a clean stop. Returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new IllegalStateException("node did not stop on SIGTERM");
        return process.exitValue();
    }

    long dirSize(String sub) throws IOException {
        return TestNode.liveFileSizes(dataDir.resolve(sub), "").stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public void close() throws IOException {
        if (process != null && process.isAlive()) {
            try { resume(); } catch (Exception ignored) { } // a paused JVM is killed all the same, but let it go
            process.destroyForcibly();
            try { process.waitFor(30, TimeUnit.SECONDS); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
        Path log = dataDir.resolve("node.log");
        if (Files.exists(log)) { // kept for a look after a failure: target/node-logs/
            Path keep = Path.of("target", "node-logs");
            Files.createDirectories(keep);
            Files.copy(log, keep.resolve(name.replaceAll("[^A-Za-z0-9]", "_") + "-" + dataDir.getFileName() + ".log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        TestNode.deleteTree(dataDir);
    }
}
