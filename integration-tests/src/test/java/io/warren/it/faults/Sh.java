package io.warren.it.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs system commands (ip, iptables, tc, apt-get) and fails with what they printed. */
public final class Sh {
    private Sh() { }

    record Result(int exit, String out) { }

    static Result run(List<String> cmd, long timeoutSec) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process p = pb.start();
        if (!p.waitFor(timeoutSec, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out after " + timeoutSec + " s: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Runs a command that must succeed. */
    static String must(String... cmd) throws IOException, InterruptedException {
        Result r = run(List.of(cmd), 60);
        if (r.exit != 0) throw new IOException("`" + String.join(" ", cmd) + "` exited " + r.exit + ": " + r.out.trim());
        return r.out;
    }

    /** Runs a command whose failure is acceptable (clean-up of what may already be gone). */
    static Result quiet(String... cmd) {
        try {
            return run(List.of(cmd), 60);
        } catch (Exception e) {
            return new Result(-1, e.toString());
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (new java.io.File(dir, tool).canExecute()) return true;
        }
        return new java.io.File("/usr/sbin", tool).canExecute();
    }

    /**
     * Makes sure Debian's package providing {@code tool} is installed (the suite installs what it needs, as root), or
     * fails saying what is missing.
     */
    public static synchronized void ensure(String tool, String debianPackage) throws IOException, InterruptedException {
        if (onPath(tool)) return;
        if (!onPath("apt-get")) throw new IOException(tool + " is missing and there is no apt-get to install " + debianPackage);
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", debianPackage));
        Result r = run(install, 600);
        if (r.exit != 0) {
            run(List.of("apt-get", "update", "-q"), 600);
            r = run(install, 600);
        }
        if (r.exit != 0 || !onPath(tool)) throw new IOException("could not install " + debianPackage + " for " + tool + ": " + r.out);
    }

    /** Makes sure these Debian packages are installed (as root, with apt-get), or fails saying which are missing. */
    public static synchronized void ensurePackages(String... debianPackages) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        for (String p : debianPackages) {
            Result r = run(List.of("dpkg-query", "-W", "-f=${Status}", p), 60);
            if (r.exit != 0 || !r.out.contains("install ok installed")) missing.add(p);
        }
        if (missing.isEmpty()) return;
        if (!onPath("apt-get")) throw new IOException("Debian packages missing and no apt-get to install them: " + missing);
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q"));
        install.addAll(missing);
        Result r = run(install, 900);
        if (r.exit != 0) {
            run(List.of("apt-get", "update", "-q"), 600);
            r = run(install, 900);
        }
        if (r.exit != 0) throw new IOException("could not install " + missing + ": " + r.out);
    }
}
