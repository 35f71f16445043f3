package io.warren.it;

import com.rabbitmq.client.ConnectionFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** N Warren nodes in the test JVM forming one cluster on loopback. */
public final class TestCluster implements AutoCloseable {
    public final List<TestNode> nodes = new ArrayList<>();

    public TestCluster(int n) throws Exception {
        for (int i = 1; i <= n; i++) {
            TestNode t = new TestNode();
            t.config.nodeName = "n" + i + "@127.0.0.1";
            t.config.clusterSecret = "test-secret";
            nodes.add(t);
        }
        for (TestNode t : nodes) for (TestNode p : nodes) t.config.addPeer(p.config.nodeName + ":" + p.config.raftPort);
    }

    public TestCluster start() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(nodes.size());
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (TestNode t : nodes) fs.add(ex.submit(() -> { t.start(); return null; }));
            for (Future<?> f : fs) f.get();
        } finally {
            ex.shutdownNow();
        }
        return this;
    }

    public TestNode node(int i) { return nodes.get(i); }

    /** The node whose name is {@code name}. */
    TestNode byName(String name) {
        return nodes.stream().filter(t -> t.config.nodeName.equals(name)).findFirst().orElseThrow();
    }

    ConnectionFactory factory(int i) { return nodes.get(i).factory(); }

    @Override
    public void close() throws Exception {
        for (TestNode t : nodes) t.stop();
        for (TestNode t : nodes) t.close();
    }
}
