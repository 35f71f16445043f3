package io.warren.ops;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeConfigTest {
    @Test
    void loopbackUsersFollowRabbitmqConf() {
        NodeConfig c = new NodeConfig();
        assertEquals(Set.of(), c.loopbackExempt, "guest is loopback-only unless the config says otherwise");
        c.set("loopback_users.guest", "false");
        assertEquals(Set.of("guest"), c.loopbackExempt);
        c.set("loopback_users.guest", "true");
        assertEquals(Set.of(), c.loopbackExempt);
        c.set("loopback_users", "none");
        assertEquals(Set.of("*"), c.loopbackExempt);
        var e = assertThrows(IllegalArgumentException.class, () -> c.set("loopback_users.guest", "maybe"));
        assertTrue(e.getMessage().contains("loopback_users.guest") && e.getMessage().contains("maybe"), e.getMessage());
    }
}
