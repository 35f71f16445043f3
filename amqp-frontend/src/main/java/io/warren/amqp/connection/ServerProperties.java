package io.warren.amqp.connection;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What connection.start tells a client about this broker: product, version, and only the capabilities that work. */
final class ServerProperties {
    static final String PRODUCT_VERSION = "3.13.7";
    static final List<String> CAPABILITIES = List.of("publisher_confirms", "exchange_exchange_bindings",
            "basic.nack", "consumer_cancel_notify", "connection.blocked", "authentication_failure_close",
            "per_consumer_qos", "direct_reply_to", "consumer_priorities");

    private ServerProperties() { }

    static Map<String, Object> of(String clusterName) {
        Map<String, Object> caps = new LinkedHashMap<>();
        for (String c : CAPABILITIES) caps.put(c, true);
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("product", "Warren");
        props.put("version", PRODUCT_VERSION);
        props.put("platform", "Java " + Runtime.version().feature());
        props.put("cluster_name", clusterName);
        props.put("copyright", "Warren contributors");
        props.put("information", "AMQP 0-9-1 broker replicated with Raft");
        props.put("capabilities", caps);
        return props;
    }
}
