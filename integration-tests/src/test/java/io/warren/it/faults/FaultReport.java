package io.warren.it.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The matrix as markdown: one row per run. Written to target/faults-matrix.md; with {@code -Dfaults.report=FILE}
 * also between the {@code <!-- matrix:start -->} and {@code <!-- matrix:end -->} markers of FILE (docs/faults.md).
 */
final class FaultReport {
    private final List<FaultRun.Outcome> rows = new ArrayList<>();

    synchronized void add(FaultRun.Outcome o) { rows.add(o); }

    synchronized String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("Run on ").append(LocalDate.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cores; each row one run (fault schedule from the seed, replay with `-Dfaults.seed=`).\n\n");
        b.append("| workload | fault | nodes | seed | s | faults | confirmed / ops ok | lost / violations | unexpected | duplicated (as new) | unknown (recovered) | worst unavailability | result |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (FaultRun.Outcome o : rows) {
            boolean queue = !o.spec().workload().equals("metadata");
            b.append("| ").append(o.spec().workload()).append(" | ").append(o.spec().faultLabel()).append(" | ").append(o.spec().nodes())
                    .append(" | ").append(o.spec().seed()).append(" | ").append(Math.round(o.seconds())).append(" | ").append(o.faultsApplied())
                    .append(" | ").append(o.confirmed()).append(" | ").append(o.lost()).append(" | ").append(queue ? o.unexpected() : "–")
                    .append(" | ").append(queue ? o.duplicated() + " (" + o.duplicatedAsNew() + ")" : "–").append(" | ").append(o.unknown())
                    .append(queue ? " (" + o.recoveredUnknown() + ")" : "").append(" | ")
                    .append(queue ? String.format("%.1f s", o.worstGapMs() / 1000.0) : "–").append(" | ")
                    .append(o.ok() ? "pass" : "**FAIL**").append(" |\n");
        }
        return b.toString();
    }

    synchronized void write() throws IOException {
        String md = markdown();
        Path local = Path.of("target", "faults-matrix.md");
        Files.createDirectories(local.getParent());
        StringBuilder details = new StringBuilder(md).append("\n");
        for (FaultRun.Outcome o : rows) {
            details.append("\n### ").append(o.spec().name()).append("\n\n").append(o.detail()).append("\n\n```\n");
            o.events().forEach(e -> details.append(e).append('\n'));
            details.append("```\n");
        }
        Files.writeString(local, details);
        String target = System.getProperty("faults.report");
        if (target == null || target.isBlank()) return;
        Path file = Path.of(target);
        String doc = Files.readString(file);
        int a = doc.indexOf("<!-- matrix:start -->"), z = doc.indexOf("<!-- matrix:end -->");
        if (a < 0 || z < a) throw new IOException(file + " has no <!-- matrix:start --> ... <!-- matrix:end --> markers");
        Files.writeString(file, doc.substring(0, a) + "<!-- matrix:start -->\n" + md + doc.substring(z));
    }
}
