package io.warren.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** export_definitions and import_definitions, in RabbitMQ's JSON, through the node's management API. */
final class DefinitionVerbs {
    private DefinitionVerbs() { }

    @Command(name = "export_definitions", description = "writes users, vhosts, permissions, policies, queues, exchanges and bindings as JSON (- : stdout)")
    static final class ExportDefinitions implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0") String path;

        @Override public Integer call() throws Exception {
            Object defs = ctl.api("GET", null, "definitions");
            String json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(defs);
            if (path.equals("-")) {
                System.out.println(json);
                return 0;
            }
            ctl.banner("Exporting definitions in JSON to a file at \"" + path + "\" ...");
            Files.writeString(Path.of(path), json);
            return 0;
        }
    }

    @Command(name = "import_definitions", description = "merges definitions from a JSON file (stdin when none is given)")
    static final class ImportDefinitions implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0", arity = "0..1") String path;
        @picocli.CommandLine.Option(names = "--objects-per-request", defaultValue = "1000",
                description = "a larger file goes in parts of this many objects, with its progress printed") int part;

        @Override public Integer call() throws Exception {
            if (part < 1) throw new Ctl.Failure(64, "--objects-per-request must be at least 1");
            byte[] body;
            if (path == null || path.equals("-")) {
                ctl.banner("Importing definitions in JSON from standard input ...");
                body = System.in.readAllBytes();
            } else {
                if (!Files.isReadable(Path.of(path))) throw new Ctl.Failure(65, "cannot read the definitions file \"" + path + "\"");
                ctl.banner("Importing definitions in JSON from a file at \"" + path + "\" ...");
                body = Files.readAllBytes(Path.of(path));
            }
            importInParts(ctl, body, part);
            ctl.banner("Successfully imported definitions");
            return 0;
        }
    }

    /** Sections in the order an import needs them (what a binding names exists before it). */
    static final java.util.List<String> SECTIONS = java.util.List.of("users", "vhosts", "permissions", "topic_permissions", "parameters",
            "global_parameters", "policies", "operator_policies", "queues", "exchanges", "bindings");
    /**
     * A large file goes to the node in parts of {@code part} objects, section by section in dependency order, and the CLI
     * prints how far it got after each ("Imported 3000 of 12000 objects: queues"); an import merges, so a part that
     * fails can be imported again with the whole file. A small file is one request.
     */
    @SuppressWarnings("unchecked")
    static void importInParts(Ctl ctl, byte[] body, int part) throws Exception {
        java.util.Map<String, Object> defs;
        try {
            defs = new ObjectMapper().readValue(body, java.util.Map.class);
        } catch (java.io.IOException e) {
            throw new Ctl.Failure(65, "the definitions are not a JSON object: " + e.getMessage());
        }
        int total = 0;
        for (String k : SECTIONS) if (defs.get(k) instanceof java.util.List<?> l) total += l.size();
        if (total <= part) {
            ctl.api("POST", body, "definitions");
            return;
        }
        java.util.Map<String, Object> header = new java.util.LinkedHashMap<>(defs);
        SECTIONS.forEach(header::remove);
        int done = 0;
        for (String k : SECTIONS) {
            if (!(defs.get(k) instanceof java.util.List<?> l)) continue;
            for (int from = 0; from < l.size(); from += part) {
                java.util.Map<String, Object> piece = new java.util.LinkedHashMap<>(header);
                java.util.List<?> slice = l.subList(from, Math.min(l.size(), from + part));
                piece.put(k, slice);
                ctl.api("POST", new ObjectMapper().writeValueAsBytes(piece), "definitions");
                done += slice.size();
                ctl.banner("Imported " + done + " of " + total + " objects: " + k);
            }
        }
    }

    @Command(name = "set_cluster_name", description = "names the cluster (the API's cluster_name, the Prometheus label)")
    static final class SetClusterName implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0") String name;

        @Override public Integer call() throws Exception {
            ctl.banner("Setting cluster name to " + name + " ...");
            ctl.api("PUT", java.util.Map.of("name", name), "cluster-name");
            return 0;
        }
    }

    @Command(name = "set_global_parameter", description = "sets a global runtime parameter to a JSON value")
    static final class SetGlobalParameter implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0") String name;
        @Parameters(index = "1") String json;

        @Override public Integer call() throws Exception {
            ctl.banner("Setting global runtime parameter \"" + name + "\" to \"" + json + "\" ...");
            Object value;
            try {
                value = new ObjectMapper().readValue(json, Object.class);
            } catch (java.io.IOException e) {
                throw new Ctl.Failure(65, "the value is not JSON: " + json);
            }
            ctl.api("PUT", java.util.Map.of("value", value), "global-parameters", name);
            return 0;
        }
    }

    @Command(name = "clear_global_parameter", description = "removes a global runtime parameter")
    static final class ClearGlobalParameter implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @Parameters(index = "0") String name;

        @Override public Integer call() throws Exception {
            ctl.banner("Clearing global runtime parameter \"" + name + "\" ...");
            ctl.api("DELETE", null, "global-parameters", name);
            return 0;
        }
    }

    @Command(name = "list_global_parameters", description = "lists the global runtime parameters")
    static final class ListGlobalParameters implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @picocli.CommandLine.Option(names = "--no-table-headers") boolean noHeaders;

        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            var rows = (java.util.List<java.util.Map<String, Object>>) ctl.api("GET", null, "global-parameters");
            Columns.print(ctl, "Listing global runtime parameters ...", rows, java.util.List.of("name", "value"),
                    java.util.List.of("name", "value"), java.util.List.of(), noHeaders);
            return 0;
        }
    }

    @Command(name = "set_parameter", description = "sets a vhost's runtime parameter: component vhost-limits, name limits "
            + "(shovel and federation parameters come with shovels and federation)")
    static final class SetParameter implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @picocli.CommandLine.Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;
        @Parameters(index = "0") String component;
        @Parameters(index = "1") String name;
        @Parameters(index = "2") String json;

        @Override public Integer call() throws Exception {
            ctl.banner("Setting runtime parameter \"" + name + "\" for component \"" + component + "\" to \"" + json + "\" in vhost \"" + vhost + "\" ...");
            Object value;
            try {
                value = new ObjectMapper().readValue(json, Object.class);
            } catch (java.io.IOException e) {
                throw new Ctl.Failure(65, "the value is not JSON: " + json);
            }
            ctl.api("PUT", java.util.Map.of("value", value), "parameters", component, vhost, name);
            return 0;
        }
    }

    @Command(name = "clear_parameter", description = "removes a vhost's runtime parameter")
    static final class ClearParameter implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @picocli.CommandLine.Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;
        @Parameters(index = "0") String component;
        @Parameters(index = "1") String name;

        @Override public Integer call() throws Exception {
            ctl.banner("Clearing runtime parameter \"" + name + "\" for component \"" + component + "\" on vhost \"" + vhost + "\" ...");
            ctl.api("DELETE", null, "parameters", component, vhost, name);
            return 0;
        }
    }

    @Command(name = "list_parameters", description = "lists a vhost's runtime parameters")
    static final class ListParameters implements Callable<Integer> {
        @CommandLine.ParentCommand Ctl ctl;
        @picocli.CommandLine.Option(names = {"-p", "--vhost"}, defaultValue = "/") String vhost;
        @picocli.CommandLine.Option(names = "--no-table-headers") boolean noHeaders;

        @SuppressWarnings("unchecked")
        @Override public Integer call() throws Exception {
            var rows = (java.util.List<java.util.Map<String, Object>>) ctl.api("GET", null, "parameters", "vhost-limits", vhost);
            var columns = java.util.List.of("component", "name", "value");
            Columns.print(ctl, "Listing runtime parameters for vhost \"" + vhost + "\" ...", rows, columns, columns, java.util.List.of(), noHeaders);
            return 0;
        }
    }
}
