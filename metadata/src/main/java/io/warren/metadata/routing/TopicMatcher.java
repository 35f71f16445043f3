package io.warren.metadata.routing;

/** AMQP topic matching: words separated by '.', '*' matches exactly one word, '#' zero or more. */
public final class TopicMatcher {
    private TopicMatcher() { }

    public static boolean matches(String pattern, String routingKey) {
        String[] p = pattern.split("\\.", -1);
        String[] k = routingKey.split("\\.", -1);
        if (routingKey.isEmpty()) k = new String[0];
        if (pattern.isEmpty()) p = new String[0];
        // dp[i][j]: p[i..] matches k[j..]
        boolean[][] dp = new boolean[p.length + 1][k.length + 1];
        dp[p.length][k.length] = true;
        for (int i = p.length - 1; i >= 0; i--) {
            for (int j = k.length; j >= 0; j--) {
                if (p[i].equals("#")) {
                    dp[i][j] = dp[i + 1][j] || (j < k.length && dp[i][j + 1]);
                } else if (j < k.length && (p[i].equals("*") || p[i].equals(k[j]))) {
                    dp[i][j] = dp[i + 1][j + 1];
                }
            }
        }
        return dp[0][0];
    }
}
