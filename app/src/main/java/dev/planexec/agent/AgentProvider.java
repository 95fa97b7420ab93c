package dev.planexec.agent;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Makes one backend's runtime; named with its class in {@link AgentRegistry}'s table, which makes it when asked for
 * (so a provider needs a public constructor without arguments).
 */
public interface AgentProvider {

    /** The name plans use for this agent. */
    String name();

    /**
     * The id planexec writes to the plan, before the session exists, for a new session of {@code taskId}. By default
     * {@code planexec-<plan>-<task>-<random>} ({@link SessionIds#newId}); a backend that needs another form (a UUID
     * for Claude Code) makes its own. A backend that only learns its session's id while the session runs (Codex,
     * Cursor) keeps the default as a placeholder, reports the real id with {@link AgentEvent.SessionIdChanged}, and
     * treats a placeholder it is asked to resume as a session that never started.
     */
    default String newSessionId(String planId, String taskId) {
        return SessionIds.newId(planId, taskId);
    }

    /**
     * Opens the backend for one run.
     *
     * @throws AgentException with a one-line message saying what to install or set, if it cannot be used here
     */
    AgentRuntime open(AgentEnvironment environment) throws AgentException;

    /** How {@code planexec agents install} installs this agent's CLI; empty for an agent it cannot install. */
    default Optional<NpmCli> npm() {
        return Optional.empty();
    }

    /**
     * This agent here, for {@code planexec agents}: the CLI it would use, its version, and whether it is ready (with
     * what to do if not). Never throws; a problem is a row that is not ready. The default: built in, always ready.
     */
    default AgentStatus status(AgentEnvironment environment) {
        return new AgentStatus(name(), null, "built in", null, null, true, "built in");
    }

    /**
     * A session's whole log as plain text, a line each, for the full-screen UI's pager: read from what the backend
     * stored for the session, never by calling its CLI (which may be busy running it, or slow to start). Lines may
     * hold control characters; the caller sanitizes them. Empty when this backend keeps no log planexec can read, or
     * none for this session; the UI then shows what the run saw. The default: no transcript.
     *
     * @throws IOException if the log exists but cannot be read
     */
    default Optional<List<String>> transcript(AgentEnvironment environment, String sessionId) throws IOException {
        return Optional.empty();
    }
}
