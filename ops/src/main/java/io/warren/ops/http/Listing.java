package io.warren.ops.http;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A listing shaped as RabbitMQ's API shapes it: {@code name} (substring, or {@code use_regex=true}) filtering,
 * {@code sort}/{@code sort_reverse}, {@code page}/{@code page_size} (an envelope with the counts; default 100, at most
 * 500), and {@code columns=a,b.c} (only those keys, dotted ones nested).
 */
final class Listing {
    static final int MAX_PAGE_SIZE = 500;

    private Listing() { }

    static ApiResponse respond(ApiRequest q, List<Map<String, Object>> rows) {
        List<Map<String, Object>> all = rows;
        String name = q.query().get("name");
        List<Map<String, Object>> filtered = all;
        if (name != null && !name.isEmpty()) {
            java.util.function.Predicate<String> match;
            if (q.flag("use_regex")) {
                try {
                    Pattern p = Pattern.compile(name);
                    match = s -> p.matcher(s).find();
                } catch (PatternSyntaxException e) {
                    throw ApiException.badRequest("invalid regular expression '" + name + "'");
                }
            } else {
                String lower = name.toLowerCase();
                match = s -> s.toLowerCase().contains(lower);
            }
            filtered = all.stream().filter(r -> match.test(String.valueOf(r.get("name")))).toList();
        }
        String sort = q.query().get("sort");
        if (sort != null && !sort.isEmpty()) {
            Comparator<Map<String, Object>> c = Comparator.comparing(r -> sortKey(path(r, sort)), Listing::compare);
            if (q.flag("sort_reverse")) c = c.reversed();
            filtered = new ArrayList<>(filtered);
            filtered.sort(c);
        }
        String columns = q.query().get("columns");
        if (q.query().get("page") == null) return ApiResponse.ok(columns(filtered, columns));
        int page;
        int size;
        try {
            page = Integer.parseInt(q.query().get("page"));
            size = Integer.parseInt(q.query("page_size", "100"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("page and page_size must be integers");
        }
        if (page < 1 || size < 1 || size > MAX_PAGE_SIZE) {
            throw ApiException.badRequest("page must be ≥ 1 and page_size between 1 and " + MAX_PAGE_SIZE);
        }
        int pages = Math.max(1, (filtered.size() + size - 1) / size);
        if (page > pages) throw ApiException.badRequest("page out of range: " + page + " of " + pages);
        List<Map<String, Object>> items = filtered.subList((page - 1) * size, Math.min(filtered.size(), page * size));
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("filtered_count", filtered.size());
        env.put("item_count", items.size());
        env.put("items", columns(items, columns));
        env.put("page", page);
        env.put("page_count", pages);
        env.put("page_size", size);
        env.put("total_count", all.size());
        return ApiResponse.ok(env);
    }

    private static Object sortKey(Object v) { return v == null ? "" : v; }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) return Double.compare(x.doubleValue(), y.doubleValue());
        if (a instanceof Comparable x && a.getClass() == b.getClass()) return x.compareTo(b);
        return String.valueOf(a).compareTo(String.valueOf(b));
    }

    private static Object path(Map<String, Object> row, String dotted) {
        Object v = row;
        for (String part : dotted.split("\\.")) {
            if (!(v instanceof Map<?, ?> m)) return null;
            v = m.get(part);
        }
        return v;
    }

    private static List<Map<String, Object>> columns(List<Map<String, Object>> rows, String columns) {
        if (columns == null || columns.isEmpty()) return rows;
        String[] cs = columns.split(",");
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (Map<String, Object> r : rows) {
            Map<String, Object> o = new LinkedHashMap<>();
            for (String c : cs) put(o, c.trim(), path(r, c.trim()));
            out.add(o);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> into, String dotted, Object v) {
        int dot = dotted.indexOf('.');
        if (dot < 0) {
            into.put(dotted, v);
            return;
        }
        Map<String, Object> inner = (Map<String, Object>) into.computeIfAbsent(dotted.substring(0, dot), k -> new LinkedHashMap<>());
        put(inner, dotted.substring(dot + 1), v);
    }
}
