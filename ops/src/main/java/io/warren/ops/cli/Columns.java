package io.warren.ops.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A listing as rabbitmqctl prints it: the columns asked for, in the order asked (the default ones when none), an
 * unknown one refused naming the valid ones (exit 64); a banner line (not with {@code -q}), a header row (not with
 * {@code --no-table-headers}), then tab-separated rows; or a JSON array with {@code --formatter json}.
 */
final class Columns {
    private Columns() { }

    static void print(Ctl ctl, String banner, List<Map<String, Object>> rows, List<String> defaults, List<String> all,
                      List<String> asked, boolean noHeaders) throws Exception {
        List<String> columns = asked == null || asked.isEmpty() ? defaults : asked;
        List<String> unknown = columns.stream().filter(c -> !all.contains(c)).toList();
        if (!unknown.isEmpty()) {
            throw new Ctl.Failure(64, "Info key(s) " + String.join(",", unknown) + " are not supported. Valid keys: " + String.join(", ", all));
        }
        ObjectMapper json = new ObjectMapper();
        if (ctl.formatter.equals("json")) {
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map<String, Object> r : rows) {
                Map<String, Object> o = new java.util.LinkedHashMap<>();
                for (String c : columns) o.put(c, r.get(c));
                out.add(o);
            }
            System.out.println(json.writeValueAsString(out));
            return;
        }
        ctl.banner(banner);
        if (!noHeaders) System.out.println(String.join("\t", columns));
        for (Map<String, Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) cells.add(cell(json, r.get(c)));
            System.out.println(String.join("\t", cells));
        }
    }

    @SuppressWarnings("unchecked")
    static String cell(ObjectMapper json, Object v) throws Exception {
        if (v == null) return "";
        if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) return "[" + String.join(", ", (List<String>) l) + "]";
        if (v instanceof Map<?, ?> || v instanceof List<?>) return json.writeValueAsString(v);
        return String.valueOf(v);
    }
}
