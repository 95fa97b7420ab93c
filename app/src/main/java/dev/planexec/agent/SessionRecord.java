package dev.planexec.agent;

import java.time.Instant;
import java.util.List;

/**
 * planexec's own note of a session it created through an agent's CLI (Copilot, Claude Code, ...): what tells planexec's sessions apart from the user's
 * other sessions of that CLI (a Claude Code id is a bare UUID), and the list {@code sessions list} shows where the CLI
 * cannot list its sessions.
 *
 * @param previousIds ids the CLI used for this conversation before (a CLI may move a session to a new id on resume);
 *     Clean Up removes what the CLI stored under them too
 * @param sessionFile where the CLI keeps the session, where planexec chose it (Pi), else {@code null}
 * @param pid the CLI process running a turn of the session now, or 0; with {@code pidStarted}, what a run killed
 *     with {@code kill -9} left running, stopped before the session is resumed or removed
 */
public record SessionRecord(
        String agent,
        String sessionId,
        String taskId,
        String planFile,
        SessionContext context,
        Instant createdAt,
        Instant lastActivity,
        List<String> previousIds,
        String sessionFile,
        long pid,
        Instant pidStarted) {

    public SessionRecord {
        previousIds = List.copyOf(previousIds);
    }

    public SessionRecord movedTo(String newId, Instant now) {
        List<String> before = new java.util.ArrayList<>(previousIds);
        before.add(sessionId);
        return new SessionRecord(
                agent, newId, taskId, planFile, context, createdAt, now, before, sessionFile, pid, pidStarted);
    }

    public SessionRecord touched(Instant now) {
        return new SessionRecord(
                agent, sessionId, taskId, planFile, context, createdAt, now, previousIds, sessionFile, 0, null);
    }

    public SessionRecord running(long processId, Instant started) {
        return new SessionRecord(
                agent,
                sessionId,
                taskId,
                planFile,
                context,
                createdAt,
                Instant.now(),
                previousIds,
                sessionFile,
                processId,
                started);
    }

    public SessionInfo info() {
        return new SessionInfo(sessionId, agent, context, createdAt, lastActivity, taskId, planFile, null);
    }
}
