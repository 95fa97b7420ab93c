package dev.planexec.plan;

/**
 * What a task's agent sessions used, summed over every turn and attempt: tokens, and the cost when the agent reports
 * one. Written to the plan as {@code "usage"}.
 *
 * @param cachedTokens input tokens the model read from its cache (part of, not added to, {@code inputTokens} for
 *     agents that count them so; as each agent reports them)
 * @param costUsd the cost in US dollars the agent reported, or {@code null} if no turn reported one
 */
public record Usage(long inputTokens, long outputTokens, long cachedTokens, Double costUsd) {
    public static final Usage NONE = new Usage(0, 0, 0, null);

    public boolean isNone() {
        return inputTokens == 0 && outputTokens == 0 && cachedTokens == 0 && costUsd == null;
    }

    /** Both added up; the cost is known if either knows it. */
    public Usage plus(Usage other) {
        if (other == null || other.isNone()) {
            return this;
        }
        Double cost = costUsd == null && other.costUsd == null
                ? null
                : (costUsd == null ? 0 : costUsd) + (other.costUsd == null ? 0 : other.costUsd);
        return new Usage(
                inputTokens + other.inputTokens,
                outputTokens + other.outputTokens,
                cachedTokens + other.cachedTokens,
                cost);
    }

    public long totalTokens() {
        return inputTokens + outputTokens;
    }

    /** {@code 12.3k in, 1.2k out, 8.0k cached, $0.0421}: for the UI, line mode and {@code list}. */
    public String describe() {
        String s = compact(inputTokens) + " in, " + compact(outputTokens) + " out";
        if (cachedTokens > 0) {
            s += ", " + compact(cachedTokens) + " cached";
        }
        if (costUsd != null) {
            s += String.format(java.util.Locale.ROOT, ", $%.4f", costUsd);
        }
        return s;
    }

    /** {@code 950}, {@code 12.3k}, {@code 4.1M}. */
    public static String compact(long tokens) {
        if (tokens < 1000) {
            return Long.toString(tokens);
        }
        if (tokens < 1_000_000) {
            return String.format(java.util.Locale.ROOT, "%.1fk", tokens / 1000.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1fM", tokens / 1_000_000.0);
    }
}
