package dev.planexec.agent.copilot;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys and tokens a run knows of, so that no text planexec writes (log lines, error messages, task errors) can
 * carry one: every such text passes through {@link #redact} first. Shared by every Copilot runtime of this JVM, and
 * kept for its life: a late log line of a runtime already closed is masked too.
 */
final class Secrets {
    /** Shorter values are not treated as secrets: replacing them would mangle ordinary words. */
    private static final int MIN_LENGTH = 6;

    private static final String MASK = "[redacted]";
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

    private Secrets() {}

    static void add(Collection<String> values) {
        for (String value : values) {
            if (value != null && value.length() >= MIN_LENGTH) {
                KNOWN.add(value);
            }
        }
    }

    /** {@code text} with every known secret masked; {@code null} stays {@code null}. */
    static String redact(String text) {
        if (text == null || KNOWN.isEmpty()) {
            return text;
        }
        String result = text;
        // Longest first, so a secret that contains another is masked whole.
        List<String> secrets = KNOWN.stream()
                .sorted((a, b) -> Integer.compare(b.length(), a.length()))
                .toList();
        for (String secret : secrets) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        return result;
    }
}
