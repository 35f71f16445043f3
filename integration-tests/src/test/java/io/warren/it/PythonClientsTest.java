package io.warren.it;

import io.warren.it.faults.Sh;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The Python clients our users run, against real Warren nodes (separate processes), from Debian's packages: the
 * functional tests oslo.messaging ships (one node, a 3-node cluster behind a multi-host transport URL, and with
 * {@code rabbit_quorum_queue = true}), the RPC-server restart that lost a cast, the queue features with pika, and Celery's scenarios
 * ({@code src/test/python}). Installs what it needs with apt-get (as root, like the fault suite). Each suite's
 * counts are printed; its whole output is kept in {@code target/python-logs/}. docs/clients.md has the results.
 */
class PythonClientsTest {
    private static final Path PY = Path.of("src/test/python").toAbsolutePath();
    private static final Path OSLO_FUNCTIONAL = Path.of("/usr/lib/python3/dist-packages/oslo_messaging/tests/functional/test_functional.py");
    private static final Path LOGS = Path.of("target", "python-logs");

    @BeforeAll
    static void packages() throws Exception {
        Sh.ensurePackages("python3-oslo.messaging", "python3-oslotest", "python3-testscenarios", "python3-pytest",
                "python3-oslo.metrics", "python3-requests", "python3-celery", "python3-pika");
        Files.createDirectories(LOGS);
    }

    private static String url(NodeProcess... nodes) {
        return "rabbit://" + java.util.Arrays.stream(nodes).map(n -> "guest:guest@127.0.0.1:" + n.amqpPort)
                .collect(Collectors.joining(",")) + "/";
    }

    @Test
    void osloRpcServerRestartedAfterAnErrorStillGetsCasts() throws Exception {
        try (NodeProcess node = new NodeProcess("py-restart@127.0.0.1")) {
            node.start();
            python("oslo-restart-one-node", Map.of(), 300, "oslo_rpc_restart.py", url(node));
        }
    }

    /** Slow: the quorum run is on one node too and the cluster run covers classic queues; -Pslow runs this as well. */
    @Test
    @org.junit.jupiter.api.Tag("slow")
    void osloFunctionalTestsOnOneNode() throws Exception {
        try (NodeProcess node = new NodeProcess("py-oslo@127.0.0.1")) {
            node.start();
            osloFunctional("oslo-functional-one-node", url(node), false);
        }
    }

    @Test
    void osloFunctionalTestsWithQuorumQueues() throws Exception {
        try (NodeProcess node = new NodeProcess("py-oslo-qq@127.0.0.1")) {
            node.start();
            osloFunctional("oslo-functional-quorum", url(node), true);
        }
    }

    /** A 3-node cluster behind a multi-host URL (oslo spreads its connections over the hosts). */
    @Test
    void osloOnAThreeNodeCluster() throws Exception {
        try (ProcessClusterTest.Cluster c = new ProcessClusterTest.Cluster(3).start()) {
            NodeProcess[] n = c.nodes.toArray(NodeProcess[]::new);
            osloFunctional("oslo-functional-cluster", url(n), false);
            // the restart scenario through a node that does not lead the queues it declares on the first
            python("oslo-restart-cluster", Map.of(), 300, "oslo_rpc_restart.py", url(n[1], n[2], n[0]));
        }
    }

    /** The queue features (TTL, dead-lettering, limits, expiry, delivery limit, priorities, consumer timeout) with pika. */
    @Test
    void pikaQueueFeaturesOnAThreeNodeCluster() throws Exception {
        try (ProcessClusterTest.Cluster c = new ProcessClusterTest.Cluster(3).start()) {
            python("pika-queue-features", Map.of(), 300, "pika_queue_features.py",
                    String.valueOf(c.nodes.get(0).amqpPort), String.valueOf(c.nodes.get(1).amqpPort), String.valueOf(c.nodes.get(2).amqpPort));
        }
    }

    /** Celery's scenarios; the script asks for the node restart (RESTART_NODE) and is told when it is back. */
    @Test
    void celeryScenarios() throws Exception {
        try (NodeProcess node = new NodeProcess("py-celery@127.0.0.1")) {
            node.start();
            Map<String, String> env = Map.of("WARREN_BROKER_URL", "amqp://guest:guest@127.0.0.1:" + node.amqpPort + "//");
            python("celery", env, 300, line -> {
                if (!line.equals("RESTART_NODE")) return null;
                node.kill9();
                node.start();
                return "NODE_RESTARTED";
            }, "celery_scenarios.py");
        }
    }

    private static void osloFunctional(String name, String url, boolean quorum) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("RPC_TRANSPORT_URL", url, "NOTIFY_TRANSPORT_URL", url));
        List<String> args = new ArrayList<>(List.of("-m", "pytest", "-q", "-rfEs", "-p", "no:cacheprovider"));
        if (quorum) args.addAll(List.of("-p", "warren_quorum_default"));
        args.add(OSLO_FUNCTIONAL.toString());
        String out = python(name, env, 900, args.toArray(String[]::new));
        Matcher m = Pattern.compile("(\\d+) passed").matcher(out);
        assertTrue(m.find(), name + ": no pytest summary");
        assertTrue(Integer.parseInt(m.group(1)) >= 21, name + ": fewer tests ran than the 21 oslo.messaging 14 ships");
    }

    private static String python(String name, Map<String, String> env, long timeoutSec, String... args) throws Exception {
        return python(name, env, timeoutSec, line -> null, args);
    }

    interface Answers { String to(String line) throws Exception; }

    /**
     * Runs Debian's python3 with {@code args} in src/test/python; {@code answers} may reply to a line of its output on
     * its stdin. Fails unless it exits 0 in time. Prints its count lines and keeps its output in target/python-logs/.
     */
    private static String python(String name, Map<String, String> env, long timeoutSec, Answers answers, String... args)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", "-u"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(PY.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("PYTHONPATH", PY.toString());
        pb.environment().put("PATH", "/usr/bin:/bin:" + pb.environment().getOrDefault("PATH", "")); // Debian's python3 first
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8)) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (out) { out.append(line).append('\n'); }
                    String reply = answers.to(line);
                    if (reply != null) in.println(reply);
                }
            } catch (Exception e) {
                synchronized (out) { out.append("[test harness] ").append(e).append('\n'); }
            }
        }, "python-" + name);
        reader.start();
        boolean done = p.waitFor(timeoutSec, TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        reader.join(30_000);
        String text;
        synchronized (out) { text = out.toString(); }
        Files.writeString(LOGS.resolve(name + ".log"), text);
        for (String line : text.split("\n")) {
            if (line.matches(".*(\\d+ passed|\\d+ failed|: \\d+ passed, \\d+ failed).*") || line.startsWith("FAILED ")
                    || line.startsWith("PASS ") || line.startsWith("FAIL ")) {
                System.out.println("[" + name + "] " + line);
            }
        }
        assertTrue(done, name + " did not finish in " + timeoutSec + " s; output in " + LOGS.resolve(name + ".log"));
        assertEquals(0, p.exitValue(), name + " failed; output in " + LOGS.resolve(name + ".log") + ":\n" + tail(text));
        return text;
    }

    private static String tail(String s) { return s.length() <= 4000 ? s : s.substring(s.length() - 4000); }

}
