package dev.planexec.tui;

import java.util.List;
import java.util.Optional;

/**
 * How to open a session in its agent's own CLI, interactively ({@code o}): the command each CLI takes to resume a
 * session by id. The local agent has no CLI, and pi names its sessions by file, which the screen does not know.
 */
final class AgentCli {
    private AgentCli() {}

    static Optional<List<String>> resume(String agent, String sessionId) {
        return switch (agent) {
            case "copilot" -> Optional.of(List.of("copilot", "--resume", sessionId));
            case "claude" -> Optional.of(List.of("claude", "--resume", sessionId));
            case "codex" -> Optional.of(List.of("codex", "resume", sessionId));
            case "gemini" -> Optional.of(List.of("gemini", "--resume", sessionId));
            case "cursor" -> Optional.of(List.of("cursor-agent", "--resume", sessionId));
            default -> Optional.empty();
        };
    }
}
