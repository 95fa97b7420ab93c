package dev.planexec.agent;

import java.time.Instant;

/**
 * What a backend knows about a stored session.
 *
 * @param taskId the plan task that created it, where the backend recorded one, else {@code null}
 * @param planFile the plan file that created it, where recorded, else {@code null}
 * @param lastActivity when the session last did something, or {@code null} if unknown
 */
public record SessionInfo(
        String id,
        String agent,
        SessionContext context,
        Instant createdAt,
        Instant lastActivity,
        String taskId,
        String planFile,
        String summary) {}
