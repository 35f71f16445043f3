package io.warren.metadata.routing;

import io.warren.metadata.codec.FieldTables;

import java.util.Map;

/**
 * Headers-exchange matching as RabbitMQ does it: {@code x-match} all (default) or any, and the
 * {@code all-with-x}/{@code any-with-x} forms that also compare {@code x-}-prefixed arguments. A binding
 * argument with a void value matches a message that has that header, with any value.
 */
public final class HeadersMatcher {
    private HeadersMatcher() { }

    public static boolean matches(Map<String, Object> bindingArgs, Map<String, Object> headers) {
        Object mode = bindingArgs.get("x-match");
        String m = mode == null ? "all" : FieldTables.render(mode);
        boolean any = m.startsWith("any");
        boolean withX = m.endsWith("-with-x");
        Map<String, Object> h = headers == null ? Map.of() : headers;
        for (Map.Entry<String, Object> e : bindingArgs.entrySet()) {
            String k = e.getKey();
            if (k.equals("x-match") || (!withX && k.startsWith("x-"))) continue;
            Object want = e.getValue();
            boolean ok = h.containsKey(k) && (want == null || want == FieldTables.VOID || FieldTables.valueEquals(want, h.get(k)));
            if (any && ok) return true;
            if (!any && !ok) return false;
        }
        return !any;
    }
}
