package io.warren.metadata;

import io.warren.metadata.routing.HeadersMatcher;
import io.warren.metadata.routing.TopicMatcher;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RoutingTest {
    @Test
    void topicWildcards() {
        assertTrue(TopicMatcher.matches("a.*.c", "a.b.c"));
        assertFalse(TopicMatcher.matches("a.*.c", "a.c"));
        assertFalse(TopicMatcher.matches("a.*", "a.b.c"));
        assertTrue(TopicMatcher.matches("a.#", "a"));
        assertTrue(TopicMatcher.matches("a.#", "a.b.c"));
        assertTrue(TopicMatcher.matches("#", ""));
        assertTrue(TopicMatcher.matches("#", "x.y"));
        assertTrue(TopicMatcher.matches("#.c", "c"));
        assertTrue(TopicMatcher.matches("a.#.c", "a.c"));
        assertTrue(TopicMatcher.matches("a.#.c", "a.b.b.c"));
        assertFalse(TopicMatcher.matches("a.#.c", "a.b.b.d"));
        assertTrue(TopicMatcher.matches("*.#", "a"));
        assertFalse(TopicMatcher.matches("*", ""));
        assertTrue(TopicMatcher.matches("", ""));
        assertFalse(TopicMatcher.matches("a", "a.b"));
        assertTrue(TopicMatcher.matches("a..b", "a..b"));
    }

    @Test
    void headersMatching() {
        Map<String, Object> h = Map.of("format", "pdf", "type", "report", "x-tenant", "t");
        assertTrue(HeadersMatcher.matches(Map.of("format", "pdf"), h));
        assertTrue(HeadersMatcher.matches(Map.of("x-match", "all", "format", "pdf", "type", "report"), h));
        assertFalse(HeadersMatcher.matches(Map.of("x-match", "all", "format", "pdf", "type", "log"), h));
        assertTrue(HeadersMatcher.matches(Map.of("x-match", "any", "format", "doc", "type", "report"), h));
        assertFalse(HeadersMatcher.matches(Map.of("x-match", "any", "format", "doc"), h));
        assertTrue(HeadersMatcher.matches(Map.of("x-match", "all", "x-tenant", "other"), h), "x- args ignored without -with-x");
        assertFalse(HeadersMatcher.matches(Map.of("x-match", "all-with-x", "x-tenant", "other"), h));
        assertTrue(HeadersMatcher.matches(Map.of("x-match", "any-with-x", "x-tenant", "t"), h));
        Map<String, Object> voidArg = new HashMap<>();
        voidArg.put("format", null);
        assertTrue(HeadersMatcher.matches(voidArg, h), "a void binding value matches presence");
        assertTrue(HeadersMatcher.matches(Map.of("n", 1L), Map.of("n", 1)), "numbers compare by value");
    }
}
