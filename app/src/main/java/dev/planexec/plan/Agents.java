package dev.planexec.plan;

import java.util.List;

/** The agent names a plan may use ({@code "agent"} on the plan or a task, or {@code --agent}). */
public final class Agents {
    public static final String LOCAL = "local";
    public static final String COPILOT = "copilot";

    /** Every name the plan format accepts, in the order the README lists them. */
    public static final List<String> NAMES = List.of(LOCAL, COPILOT, "claude", "codex", "gemini", "pi", "cursor");

    private Agents() {}

    public static boolean isKnown(String name) {
        return NAMES.contains(name);
    }
}
