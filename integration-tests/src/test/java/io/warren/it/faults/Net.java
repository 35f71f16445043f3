package io.warren.it.faults;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A private network for the nodes under test: one Linux network namespace per node, each joined by a veth pair to a
 * bridge in the root namespace, on a /24 of 10.x that no existing route uses. Faults are kernel rules inside the
 * namespaces (iptables DROP, random loss, tc), so Warren's own code sees a real network fail. Every name carries the
 * creating JVM's pid; {@link #close()} removes all of it, and a later run removes what a killed run left behind.
 */
final class Net implements AutoCloseable {
    private static final Pattern OURS = Pattern.compile("wf([0-9a-z]+)[bn-]");

    final int size;
    final String tag;          // "wf" + pid in base 36
    final String bridge;
    final String subnetPrefix; // e.g. "10.66.17."
    private final List<String> namespaces = new ArrayList<>();
    private boolean shapingWithNetem;

    private Net(int size) {
        this.size = size;
        this.tag = "wf" + Long.toString(ProcessHandle.current().pid(), 36);
        this.bridge = tag + "b";
        this.subnetPrefix = freeSubnet();
    }

    /** Fails loudly (never skips) when namespaces cannot be made: the suite needs root and iproute2 + iptables. */
    static Net create(int size) throws IOException, InterruptedException {
        if (!"root".equals(System.getProperty("user.name")) && !Sh.quiet("id", "-u").out().trim().equals("0")) {
            throw new IllegalStateException("the fault suite needs root (network namespaces, iptables): run the tests as root");
        }
        Sh.ensure("ip", "iproute2");
        Sh.ensure("iptables", "iptables");
        Sh.ensure("tc", "iproute2");
        removeLeftovers();
        Net net = new Net(size);
        Runtime.getRuntime().addShutdownHook(new Thread(net::close));
        try {
            net.build();
        } catch (IOException | InterruptedException | RuntimeException e) {
            net.close();
            throw new IllegalStateException("could not set up network namespaces for the fault suite: " + e.getMessage(), e);
        }
        return net;
    }

    private static String freeSubnet() {
        String routes = Sh.quiet("ip", "-4", "route", "show", "table", "all").out();
        java.util.Random r = new java.util.Random();
        for (int i = 0; i < 200; i++) {
            String p = "10." + (60 + r.nextInt(60)) + "." + (1 + r.nextInt(250)) + ".";
            if (!routes.contains(p)) return p;
        }
        throw new IllegalStateException("no free 10.x subnet");
    }

    private void build() throws IOException, InterruptedException {
        Sh.must("ip", "link", "add", bridge, "type", "bridge");
        Sh.must("ip", "addr", "add", subnetPrefix + "254/24", "dev", bridge);
        Sh.must("ip", "link", "set", bridge, "up");
        for (int i = 1; i <= size; i++) {
            String ns = ns(i), veth = tag + "-v" + i;
            Sh.must("ip", "netns", "add", ns);
            namespaces.add(ns);
            Sh.must("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
            Sh.must("ip", "link", "set", veth, "master", bridge, "up");
            Sh.must("ip", "-n", ns, "addr", "add", ip(i) + "/24", "dev", "eth0");
            Sh.must("ip", "-n", ns, "link", "set", "eth0", "up");
            Sh.must("ip", "-n", ns, "link", "set", "lo", "up");
        }
        Sh.Result netem = Sh.quiet("ip", "netns", "exec", ns(1), "tc", "qdisc", "add", "dev", "eth0", "root", "netem", "delay", "1ms");
        shapingWithNetem = netem.exit() == 0;
        if (shapingWithNetem) Sh.quiet("ip", "netns", "exec", ns(1), "tc", "qdisc", "del", "dev", "eth0", "root");
    }

    String ns(int node) { return tag + "-n" + node; }

    String ip(int node) { return subnetPrefix + node; }

    /** The command prefix that runs a program inside node {@code i}'s namespace. */
    List<String> exec(int node) { return List.of("ip", "netns", "exec", ns(node)); }

    private void inNs(int node, String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(exec(node));
        c.addAll(List.of(cmd));
        Sh.must(c.toArray(String[]::new));
    }

    /** Node {@code to} no longer receives packets from {@code from} (one way). */
    void drop(int from, int to) throws IOException, InterruptedException {
        inNs(to, "iptables", "-A", "INPUT", "-s", ip(from), "-j", "DROP");
    }

    /** Cuts every link between the two sides, both ways. */
    void partition(Collection<Integer> a, Collection<Integer> b) throws IOException, InterruptedException {
        for (int x : a) for (int y : b) { drop(x, y); drop(y, x); }
    }

    /** Packets between nodes are dropped at random with probability {@code p} (both ways). */
    void lossy(double p) throws IOException, InterruptedException {
        for (int to = 1; to <= size; to++) {
            for (int from = 1; from <= size; from++) {
                if (from != to) inNs(to, "iptables", "-A", "INPUT", "-s", ip(from), "-m", "statistic", "--mode", "random",
                        "--probability", String.valueOf(p), "-j", "DROP");
            }
        }
    }

    /**
     * Slows every node's outgoing traffic: netem delay with jitter where the kernel has netem; otherwise (this machine's
     * kernel has no sch_netem) a token bucket of {@code kbit} kbit/s, which delays by queueing.
     */
    String slow(int delayMs, int kbit) throws IOException, InterruptedException {
        for (int i = 1; i <= size; i++) {
            if (shapingWithNetem) {
                inNs(i, "tc", "qdisc", "add", "dev", "eth0", "root", "netem", "delay", delayMs + "ms", (delayMs / 2) + "ms");
            } else {
                inNs(i, "tc", "qdisc", "add", "dev", "eth0", "root", "tbf", "rate", kbit + "kbit", "burst", "16kb", "latency", "200ms");
            }
        }
        return shapingWithNetem ? "netem delay " + delayMs + "±" + (delayMs / 2) + " ms" : "tbf " + kbit + " kbit/s";
    }

    /** Removes every rule and shaper: the network is whole again. */
    void heal() throws IOException, InterruptedException {
        for (int i = 1; i <= size; i++) {
            inNs(i, "iptables", "-F", "INPUT");
            Sh.quiet("ip", "netns", "exec", ns(i), "tc", "qdisc", "del", "dev", "eth0", "root");
        }
    }

    @Override
    public synchronized void close() {
        for (String ns : namespaces) Sh.quiet("ip", "netns", "del", ns); // takes its end of the veth and its rules along
        for (int i = 1; i <= size; i++) Sh.quiet("ip", "link", "del", tag + "-v" + i);
        Sh.quiet("ip", "link", "del", bridge);
        namespaces.clear();
    }

    /** Deletes namespaces and links that a run which no longer exists (killed test JVM) left behind. */
    static void removeLeftovers() {
        List<String> names = new ArrayList<>(List.of(Sh.quiet("ip", "netns", "list").out().split("\n")));
        for (String line : Sh.quiet("ip", "-o", "link", "show").out().split("\n")) {
            String[] f = line.split(":\\s+");
            if (f.length > 1) names.add(f[1].split("@")[0]);
        }
        for (String raw : names) {
            String name = raw.trim().split("\\s")[0];
            Matcher m = OURS.matcher(name);
            if (!m.lookingAt()) continue;
            long pid = Long.parseLong(m.group(1), 36);
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
            if (name.contains("-n")) Sh.quiet("ip", "netns", "del", name);
            else Sh.quiet("ip", "link", "del", name);
        }
    }
}
